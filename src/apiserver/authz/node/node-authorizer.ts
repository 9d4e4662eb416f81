// The Node authorizer (Kubernetes' plugin/pkg/auth/authorizer/node): a node's credential
// (system:node:<name> in system:nodes) may read only the secrets, config maps, claims and volumes
// of pods bound to it, ask tokens only for their service accounts, and touch only its own Lease;
// everything else a node does is checked against the system:node rules.
// Unlike Kubernetes, a refusal on those kinds is a deny, not "no opinion": kite's RBAC still binds
// the system:node role to system:nodes (clusters created before this authorizer), and that binding
// must not re-open what the graph closes.
import type { UserInfo } from '../../authn/user.js';
import { nodeRules } from '../rbac/bootstrap/system-roles.js';
import type { PolicyRule } from '../../registry/rbac/rbac-validation.js';
import { rulesAllow } from '../rbac/rule-match.js';
import type { AuthorizationAttributes, AuthorizationResult, Authorizer } from '../authorizer.js';
import type { NodeGraph, NodeObjectKind } from './node-graph.js';

export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';
const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** The node a user is, as Kubernetes' NodeIdentifier decides: undefined for non-nodes, '' for a nameless one. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.name.startsWith(NODE_USER_PREFIX) || !user.groups.includes(NODES_GROUP)) return undefined;
  return user.name.slice(NODE_USER_PREFIX.length);
}

const noOpinion = (reason?: string): AuthorizationResult => ({ decision: 'noOpinion', ...(reason ? { reason } : {}) });
const deny = (reason: string): AuthorizationResult => ({ decision: 'deny', reason });
const allow: AuthorizationResult = { decision: 'allow' };

export class NodeAuthorizer implements Authorizer {
  readonly name = 'Node';
  readonly #rules: PolicyRule[];

  constructor(readonly graph: NodeGraph, rules: PolicyRule[] = nodeRules()) {
    this.#rules = rules;
  }

  async authorize(attrs: AuthorizationAttributes): Promise<AuthorizationResult> {
    const nodeName = nodeIdentity(attrs.user);
    if (nodeName === undefined) return noOpinion();
    if (nodeName === '') return noOpinion('unknown node');
    if (attrs.isResourceRequest) {
      const key = `${attrs.apiGroup}/${attrs.resource}`;
      switch (key) {
        case '/secrets': return this.#readObject(nodeName, 'secret', attrs);
        case '/configmaps': return this.#readObject(nodeName, 'configmap', attrs);
        case '/persistentvolumeclaims':
          if (attrs.subresource === 'status') return this.#statusUpdate(nodeName, attrs);
          return this.#readObject(nodeName, 'persistentvolumeclaim', attrs);
        case '/persistentvolumes': return this.#readObject(nodeName, 'persistentvolume', attrs);
        case '/serviceaccounts':
          if (attrs.subresource === 'token') return this.#createToken(nodeName, attrs);
          break;
        case 'coordination.k8s.io/leases': return this.#lease(nodeName, attrs);
      }
    }
    return rulesAllow(attrs, this.#rules) ? allow : noOpinion();
  }

  async #related(nodeName: string, kind: NodeObjectKind, attrs: AuthorizationAttributes): Promise<AuthorizationResult> {
    if (await this.graph.related(nodeName, kind, attrs.namespace, attrs.name)) return allow;
    return deny(`no relationship found between node '${nodeName}' and this object`);
  }

  #readObject(nodeName: string, kind: NodeObjectKind, attrs: AuthorizationAttributes): Promise<AuthorizationResult> | AuthorizationResult {
    if (attrs.verb !== 'get') return deny(`can only get individual resources of this type`);
    if (attrs.subresource) return deny(`cannot get subresource ${attrs.subresource}`);
    return this.#related(nodeName, kind, attrs);
  }

  #statusUpdate(nodeName: string, attrs: AuthorizationAttributes): Promise<AuthorizationResult> | AuthorizationResult {
    if (!['get', 'update', 'patch'].includes(attrs.verb)) return deny('can only get, update or patch the status of this type');
    return this.#related(nodeName, 'persistentvolumeclaim', attrs);
  }

  #createToken(nodeName: string, attrs: AuthorizationAttributes): Promise<AuthorizationResult> | AuthorizationResult {
    if (attrs.verb !== 'create') return deny('can only create tokens for individual service accounts');
    return this.#related(nodeName, 'serviceaccount', attrs);
  }

  #lease(nodeName: string, attrs: AuthorizationAttributes): AuthorizationResult {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(attrs.verb)) return deny(`can only get, create, update, patch, or delete a node lease`);
    if (attrs.namespace !== NODE_LEASE_NAMESPACE) return deny(`can only access leases in the ${NODE_LEASE_NAMESPACE} namespace`);
    if (attrs.verb !== 'create' && attrs.name !== nodeName) return deny('can only access node lease with the same name as the requesting node');
    return allow;
  }
}
