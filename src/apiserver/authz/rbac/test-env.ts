// For tests: the four RBAC resources (registry + watch cache) over an in-memory store, the way
// the server wires them, without the rest of the server.
import type { KubeObject } from '../../../apimachinery/meta.js';
import type { UserInfo } from '../../authn/user.js';
import { Cacher } from '../../../storage/cacher/cacher.js';
import { MemoryStore } from '../../../storage/memory/memory-store.js';
import { AdmissionChain, type AdmissionPlugin } from '../../admission/admission.js';
import { ObjectCodec, resourcePrefix } from '../../registry/generic/codec.js';
import { RegistryStore } from '../../registry/generic/registry-store.js';
import type { RequestContext } from '../../registry/generic/resource.js';
import { clusterrolebindings } from '../../registry/rbac/clusterrolebindings/storage.js';
import { clusterroles } from '../../registry/rbac/clusterroles/storage.js';
import { rolebindings } from '../../registry/rbac/rolebindings/storage.js';
import { roles } from '../../registry/rbac/roles/storage.js';

export interface RbacTestEnv {
  get(group: string, resource: string): { cache: Cacher<KubeObject>; registry: RegistryStore };
  /** A request context of `user` (default: a member of system:masters). */
  ctx(namespace?: string, user?: UserInfo): RequestContext;
  close(): Promise<void>;
}

export async function rbacTestEnv(admission: AdmissionPlugin[] = []): Promise<RbacTestEnv> {
  const store = new MemoryStore();
  const codec = new ObjectCodec();
  const served = new Map<string, { cache: Cacher<KubeObject>; registry: RegistryStore }>();
  for (const def of [roles, rolebindings, clusterroles, clusterrolebindings]) {
    const cache = new Cacher<KubeObject>({ store, prefix: resourcePrefix(def), decode: (kv) => codec.decode(kv), bookmarkIntervalMs: 60_000 });
    served.set(def.resource, { cache, registry: new RegistryStore(def, store, codec, new AdmissionChain(admission)) });
  }
  await Promise.all([...served.values()].map((s) => s.cache.start()));
  return {
    get: (_group, resource) => {
      const s = served.get(resource);
      if (!s) throw new Error(`not an RBAC resource: ${resource}`);
      return s;
    },
    ctx: (namespace = '', user = { name: 'test', groups: ['system:masters'] }) => ({ user, namespace, dryRun: false }),
    close: async () => {
      for (const s of served.values()) s.cache.stop();
      await store.close();
    },
  };
}

/** Polls `check` until it holds (watch events arrive asynchronously). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
