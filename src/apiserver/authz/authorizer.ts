// Authorization: every request is decided by a chain of authorizers (Node, RBAC, ...). The first
// one with an opinion wins; with no opinion at all the request is denied. Never wide open.
import type { UserInfo } from '../authn/user.js';

export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
  /** For non-resource requests: the URL path. */
  path: string;
}

export type Decision = 'allow' | 'deny' | 'noOpinion';

export interface AuthorizationResult {
  decision: Decision;
  reason?: string;
}

export interface Authorizer {
  readonly name: string;
  authorize(attrs: AuthorizationAttributes): Promise<AuthorizationResult> | AuthorizationResult;
}

import { SYSTEM_MASTERS } from '../authn/user.js';

/** Members of system:masters may do anything, as in Kubernetes (its privileged group). */
export const systemMastersAuthorizer: Authorizer = {
  name: 'SystemMasters',
  authorize: (attrs) => (attrs.user.groups.includes(SYSTEM_MASTERS) ? { decision: 'allow' } : { decision: 'noOpinion' }),
};

export class AuthorizerChain implements Authorizer {
  readonly name = 'Chain';
  readonly #authorizers: Authorizer[];
  constructor(authorizers: Authorizer[]) {
    this.#authorizers = authorizers;
  }
  async authorize(attrs: AuthorizationAttributes): Promise<AuthorizationResult> {
    const reasons: string[] = [];
    for (const a of this.#authorizers) {
      const result = await a.authorize(attrs);
      if (result.decision !== 'noOpinion') return result;
      if (result.reason) reasons.push(result.reason);
    }
    return { decision: 'deny', reason: reasons.join(', ') };
  }
}
