// Wires every built-in resource to the store: a registry for writes and a watch cache for
// lists and watches, started together; `ready` resolves when every cache has its first list.
import type { KubeObject } from '../apimachinery/meta.js';
import { AdmissionChain, type AdmissionPlugin } from '../apiserver/admission/admission.js';
import { namespaceLifecycle } from '../apiserver/admission/namespace-lifecycle.js';
import { serviceAccountAdmission } from '../apiserver/admission/service-account.js';
import { defaultTolerationSeconds } from '../apiserver/admission/default-toleration-seconds.js';
import { builtinResources } from '../apiserver/registry/builtin.js';
import { ObjectCodec, resourcePrefix } from '../apiserver/registry/generic/codec.js';
import { RegistryStore } from '../apiserver/registry/generic/registry-store.js';
import { ServedResource } from '../apiserver/registry/served-resource.js';
import { podGracePeriod } from '../apiserver/registry/core/pods/storage.js';
import { registerPodSubresources } from '../apiserver/registry/core/pods/binding.js';
import { registerServiceAccountTokenSubresource } from '../apiserver/registry/core/serviceaccounts/token.js';
import { selfSubjectReviewHandler, selfSubjectReviews } from '../apiserver/registry/authentication/self-subject-reviews.js';
import type { ServiceAccountTokenConfig } from '../apiserver/authn/service-account-jwt.js';
import { startServiceAllocation } from '../apiserver/registry/core/services/allocation-sync.js';
import { serviceAllocatorsOf } from '../apiserver/registry/core/services/storage.js';
import { Cacher } from '../storage/cacher/cacher.js';
import type { Store } from '../storage/store.js';
import type { Authorizer } from '../apiserver/authz/authorizer.js';
import type { RuleResolver } from '../apiserver/authz/rule-resolver.js';
import {
  accessReviewHandler,
  rulesReviewHandler,
  selfSubjectAccessReviews,
  selfSubjectRulesReviews,
  subjectAccessReviewHandler,
  subjectAccessReviews,
} from '../apiserver/registry/authorization/access-reviews.js';

export interface ServedResources {
  all: ServedResource[];
  get(group: string, resource: string): ServedResource;
  ready: Promise<void>;
  stop(): void;
}

export interface ServedResourcesOptions {
  authorizer: Authorizer;
  ruleResolver: RuleResolver;
  codec?: ObjectCodec;
  /** Validating plugins that run after the built-in ones (the RBAC escalation check). */
  admissionPlugins?: AdmissionPlugin[];
  /** Signs TokenRequests (serviceaccounts/token); without it the subresource answers 404. */
  serviceAccountTokens?: ServiceAccountTokenConfig;
}

export async function buildServedResources(store: Store, opts: ServedResourcesOptions): Promise<ServedResources> {
  const codec = opts.codec ?? new ObjectCodec();
  const byName = new Map<string, ServedResource>();
  const lookup = (group: string, resource: string): ServedResource => {
    const served = byName.get(`${resource}.${group}`);
    if (!served) throw new Error(`resource ${resource}.${group} is not served`);
    return served;
  };
  registerPodSubresources();
  const admission = new AdmissionChain([namespaceLifecycle(lookup), serviceAccountAdmission(lookup), defaultTolerationSeconds(), ...(opts.admissionPlugins ?? [])]);
  const all: ServedResource[] = [];
  for (const def of builtinResources()) {
    const registry = new RegistryStore(def, store, codec, admission);
    const cache = new Cacher<KubeObject>({ store, prefix: resourcePrefix(def), decode: (kv) => codec.decodeForCache(kv) });
    if (!def.virtual) registry.useCache(cache);
    const served = new ServedResource(def, registry, cache);
    if (def.group === '' && def.resource === 'pods') {
      // Pods on a node wait for the node to stop them; a deleted pod is answered with the object.
      served.gracePeriod = podGracePeriod;
      served.returnDeletedObject = true;
    }
    if (def === selfSubjectAccessReviews) served.createVirtual = accessReviewHandler(opts.authorizer);
    if (def === selfSubjectRulesReviews) served.createVirtual = rulesReviewHandler(opts.ruleResolver);
    if (def === subjectAccessReviews) served.createVirtual = subjectAccessReviewHandler(opts.authorizer);
    if (def === selfSubjectReviews) served.createVirtual = selfSubjectReviewHandler();
    byName.set(`${def.resource}.${def.group}`, served);
    all.push(served);
  }
  if (opts.serviceAccountTokens) registerServiceAccountTokenSubresource({ tokens: opts.serviceAccountTokens, lookup });
  // Service ClusterIPs and node ports are rebuilt from the stored Services before any write.
  const serviceAllocation = await startServiceAllocation(serviceAllocatorsOf(lookup('', 'services').def)!, store);
  const ready = Promise.all(all.filter((s) => !s.def.virtual).map((s) => s.cache.start())).then(() => undefined);
  return {
    all,
    get: lookup,
    ready,
    stop: () => {
      serviceAllocation.stop();
      all.forEach((s) => s.cache.stop());
    },
  };
}
