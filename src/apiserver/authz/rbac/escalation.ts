// RBAC's escalation check (Kubernetes' pkg/registry/rbac/*/policybased): a user may only write a
// Role or ClusterRole whose rules it holds itself (or with the `escalate` verb on it), and only bind
// a role whose rules it holds (or with the `bind` verb on it). system:masters is exempt. Without it,
// anyone allowed to write RoleBindings could bind cluster-admin. An admission plugin, so it sees
// the object as it will be stored.
import { forbiddenMessage } from '../../../apimachinery/errors.js';
import { goQuote } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/meta.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../../admission/admission.js';
import { SYSTEM_MASTERS, type UserInfo } from '../../authn/user.js';
import type { ClusterRole } from '../../registry/rbac/clusterroles/strategy.js';
import type { Binding, PolicyRule } from '../../registry/rbac/rbac-validation.js';
import type { Authorizer } from '../authorizer.js';
import { uncoveredRules } from './covers.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const FULL_AUTHORITY: PolicyRule[] = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }];

const goStrings = (items: readonly string[]): string => `[${items.map(goQuote).join(' ')}]`;

/** rbacv1helpers.CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["get" "list"]}`. */
export function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.apiGroups?.length) parts.push(`APIGroups:${goStrings(rule.apiGroups)}`);
  if (rule.resources?.length) parts.push(`Resources:${goStrings(rule.resources)}`);
  if (rule.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goStrings(rule.nonResourceURLs)}`);
  if (rule.resourceNames?.length) parts.push(`ResourceNames:${goStrings(rule.resourceNames)}`);
  if (rule.verbs?.length) parts.push(`Verbs:${goStrings(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** Kubernetes' CompactRules: single group/resource(/name) rules merged, their verbs joined. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const isSimple = !rule.nonResourceURLs?.length && rule.apiGroups?.length === 1 && rule.resources?.length === 1 && (rule.resourceNames?.length ?? 0) <= 1;
    if (!isSimple) {
      out.push(rule);
      continue;
    }
    const key = JSON.stringify([rule.apiGroups, rule.resources, rule.resourceNames ?? []]);
    const existing = simple.get(key);
    if (existing) existing.verbs = [...(existing.verbs ?? []), ...(rule.verbs ?? [])];
    else simple.set(key, structuredClone(rule));
  }
  return [...out, ...simple.values()];
}

export interface EscalationCheckOptions {
  rbac: RbacAuthorizer;
  /** Decides `escalate` and `bind` (the server's authorizer chain). */
  authorizer: Authorizer;
}

export function rbacEscalationCheck(opts: EscalationCheckOptions): AdmissionPlugin {
  const { rbac, authorizer } = opts;

  const permits = async (user: UserInfo, verb: string, resource: string, namespace: string, name: string): Promise<boolean> =>
    (await authorizer.authorize({ user, verb, isResourceRequest: true, namespace, apiGroup: RBAC_GROUP, apiVersion: 'v1', resource, subresource: '', name, path: '' })).decision === 'allow';

  /** ConfirmNoEscalation: null when the user holds every rule, else Kubernetes' explanation. */
  const missingRights = async (user: UserInfo, namespace: string, rules: readonly PolicyRule[]): Promise<string | null> => {
    const owned = await rbac.policyRulesFor(user, namespace);
    const missing = uncoveredRules(owned.rules, rules);
    if (missing.length === 0) return null;
    const described = [...new Set(compactRules(missing).map(compactString))].sort();
    let msg = `user ${goQuote(user.name)} (groups=${goStrings(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${described.join('\n')}`;
    if (owned.errors.length) msg += `; resolution errors: [${owned.errors.join(' ')}]`;
    return msg;
  };

  const checkRole = async (attrs: AdmissionAttributes, obj: ClusterRole): Promise<void> => {
    const { ctx, def } = attrs;
    const name = obj.metadata.name ?? '';
    const gr = { group: RBAC_GROUP, resource: def.resource };
    if (await permits(ctx.user, 'escalate', def.resource, ctx.namespace, name)) return;
    const why = await missingRights(ctx.user, ctx.namespace, obj.rules ?? []);
    if (why) throw forbiddenMessage(gr, name, why);
    // an aggregationRule can gather anything: setting or changing one takes full authority
    const old = attrs.oldObject as ClusterRole | null;
    if (def.resource === 'clusterroles' && (obj.aggregationRule || old?.aggregationRule) && JSON.stringify(obj.aggregationRule) !== JSON.stringify(old?.aggregationRule)) {
      if (await missingRights(ctx.user, '', FULL_AUTHORITY)) {
        throw forbiddenMessage(gr, name, 'must have cluster-admin privileges to use the aggregationRule');
      }
    }
  };

  const checkBinding = async (attrs: AdmissionAttributes, obj: Binding): Promise<void> => {
    const { ctx, def } = attrs;
    const name = obj.metadata.name ?? '';
    const refusal = (why: string) => forbiddenMessage({ group: RBAC_GROUP, resource: def.resource }, name, why);
    const roleRef = obj.roleRef ?? {};
    const roleResource = roleRef.kind === 'Role' ? 'roles' : 'clusterroles';
    if (await permits(ctx.user, 'bind', roleResource, ctx.namespace, roleRef.name ?? '')) return;
    const { rules, error } = rbac.index.roleRefRules(roleRef, ctx.namespace);
    if (error) throw refusal(error);
    const why = await missingRights(ctx.user, ctx.namespace, rules);
    if (why) throw refusal(why);
  };

  return {
    name: 'RBACEscalation',
    validate: async (attrs) => {
      if (attrs.def.group !== RBAC_GROUP || attrs.subresource || !attrs.object) return;
      if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
      if (attrs.ctx.user.groups.includes(SYSTEM_MASTERS)) return; // Kubernetes' EscalationAllowed
      if (attrs.operation === 'UPDATE' && onlyGarbageCollectionFieldsChanged(attrs.object, attrs.oldObject)) return;
      switch (attrs.def.resource) {
        case 'roles':
        case 'clusterroles':
          return checkRole(attrs, attrs.object as ClusterRole);
        case 'rolebindings':
        case 'clusterrolebindings':
          return checkBinding(attrs, attrs.object as Binding);
      }
    },
  };
}

/** IsOnlyMutatingGCFields: the garbage collector may change ownerReferences and finalizers of
 *  any role or binding (labels, which steer aggregation, are not exempt). */
function onlyGarbageCollectionFieldsChanged(obj: KubeObject, old: KubeObject | null): boolean {
  if (!old) return false;
  const strip = (o: KubeObject): string => {
    const { ownerReferences: _o, finalizers: _f, resourceVersion: _r, managedFields: _m, ...meta } = o.metadata;
    return JSON.stringify({ ...o, metadata: meta });
  };
  return strip(obj) === strip(old);
}
