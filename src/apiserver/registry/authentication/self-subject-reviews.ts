// authentication.k8s.io/v1 SelfSubjectReview: a virtual resource (create only, never stored) that
// tells callers who the API server thinks they are, for `kubectl auth whoami`.
import type { KubeObject } from '../../../apimachinery/meta.js';
import { type RequestContext, defineResource } from '../generic/resource.js';
import { plainStrategy } from '../generic/strategies.js';

export const selfSubjectReviews = defineResource({
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectReview',
  resource: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  namespaced: false,
  verbs: ['create'],
  virtual: true,
  strategy: plainStrategy(),
});

const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The review of the caller: the request body carries nothing to read, only the user matters. */
export function selfSubjectReviewHandler(now: () => Date = () => new Date()) {
  return async (ctx: RequestContext, _obj: KubeObject): Promise<KubeObject> => {
    const { user } = ctx;
    const userInfo: Record<string, unknown> = { username: user.name };
    if (user.uid) userInfo.uid = user.uid;
    if (user.groups.length > 0) userInfo.groups = [...user.groups];
    if (user.extra && Object.keys(user.extra).length > 0) userInfo.extra = { ...user.extra };
    return {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      metadata: { creationTimestamp: rfc3339(now()) },
      status: { userInfo },
    };
  };
}
