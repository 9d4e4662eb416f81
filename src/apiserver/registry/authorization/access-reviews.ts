// authorization.k8s.io/v1 SelfSubjectAccessReview and SelfSubjectRulesReview: virtual resources
// (create only, never stored) that ask the authorizer about the caller, for `kubectl auth can-i`.
import { invalid } from '../../../apimachinery/errors.js';
import type { KubeObject } from '../../../apimachinery/meta.js';
import type { Authorizer } from '../../authz/authorizer.js';
import type { RuleResolver } from '../../authz/rule-resolver.js';
import { type ResourceDefinition, type RequestContext, defineResource } from '../generic/resource.js';
import { plainStrategy } from '../generic/strategies.js';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

const review = (kind: string, resource: string, singular: string): ResourceDefinition =>
  defineResource({
    group: 'authorization.k8s.io',
    version: 'v1',
    kind,
    resource,
    singular,
    namespaced: false,
    verbs: ['create'],
    virtual: true,
    strategy: plainStrategy(),
  });

export const selfSubjectAccessReviews = review('SelfSubjectAccessReview', 'selfsubjectaccessreviews', 'selfsubjectaccessreview');
export const selfSubjectRulesReviews = review('SelfSubjectRulesReview', 'selfsubjectrulesreviews', 'selfsubjectrulesreview');
export const subjectAccessReviews = review('SubjectAccessReview', 'subjectaccessreviews', 'subjectaccessreview');

interface SubjectSpec {
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

/**
 * SubjectAccessReview: the same question about the user named in the spec (what the csrapproving
 * controller and webhooks ask). RBAC decides who may create one (system:masters, controllers).
 */
export function subjectAccessReviewHandler(authorizer: Authorizer) {
  const review = accessReviewHandler(authorizer, 'SubjectAccessReview');
  return async (ctx: RequestContext, obj: KubeObject): Promise<KubeObject> => {
    const spec = (obj.spec ?? {}) as SubjectSpec;
    if (!spec.user && !(spec.groups ?? []).length) throw invalid('SubjectAccessReview', 'authorization.k8s.io', '', [{ reason: 'FieldValueRequired', field: 'spec.user', message: 'spec.user: Invalid value: "": at least one of user or group must be specified' }]);
    const user = { name: spec.user ?? '', groups: spec.groups ?? [], ...(spec.uid ? { uid: spec.uid } : {}), ...(spec.extra ? { extra: spec.extra } : {}) };
    return review({ ...ctx, user }, obj);
  };
}

export function accessReviewHandler(authorizer: Authorizer, kind = 'SelfSubjectAccessReview') {
  return async (ctx: RequestContext, obj: KubeObject): Promise<KubeObject> => {
    const spec = (obj.spec ?? {}) as { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: NonResourceAttributes };
    const r = spec.resourceAttributes;
    const n = spec.nonResourceAttributes;
    const result = await authorizer.authorize({
      user: ctx.user,
      verb: r?.verb ?? n?.verb ?? '',
      isResourceRequest: !!r,
      namespace: r?.namespace ?? '',
      apiGroup: r?.group ?? '',
      apiVersion: r?.version ?? '',
      resource: r?.resource ?? '',
      subresource: r?.subresource ?? '',
      name: r?.name ?? '',
      path: n?.path ?? '',
    });
    const status: Record<string, unknown> = { allowed: result.decision === 'allow' };
    // `denied` means an authorizer said no; with no opinion anywhere Kubernetes reports only allowed: false.
    if (result.decision === 'deny' && result.reason) status.denied = true;
    if (result.reason) status.reason = result.reason;
    return { ...obj, apiVersion: 'authorization.k8s.io/v1', kind, metadata: { ...obj.metadata, creationTimestamp: null } as unknown as KubeObject['metadata'], status };
  };
}

export function rulesReviewHandler(resolver: RuleResolver) {
  return async (ctx: RequestContext, obj: KubeObject): Promise<KubeObject> => {
    const namespace = ((obj.spec ?? {}) as { namespace?: string }).namespace ?? '';
    const rules = await resolver.rulesFor(ctx.user, namespace);
    return {
      ...obj,
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      metadata: { ...obj.metadata, creationTimestamp: null } as unknown as KubeObject['metadata'],
      status: {
        resourceRules: rules.resourceRules,
        nonResourceRules: rules.nonResourceRules,
        incomplete: rules.incomplete,
        ...(rules.evaluationError ? { evaluationError: rules.evaluationError } : {}),
      },
    };
  };
}
