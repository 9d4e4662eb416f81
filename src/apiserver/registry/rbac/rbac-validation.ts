// What the four rbac.authorization.k8s.io/v1 kinds share: rule, subject and roleRef types,
// defaults and validation (pkg/apis/rbac/validation), names that only need to be URL-safe,
// and the bindings' table.
import { ErrorList, type FieldPath, GoLiteral, goQuote, root } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/meta.js';
import { type NameValidator, isDNS1123Subdomain, isValidPathSegmentName } from '../../../apimachinery/names.js';
import { age } from '../../handlers/table.js';
import type { TableDefinition } from '../generic/resource.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup?: string;
  kind?: string;
  name?: string;
}

export interface Binding extends KubeObject {
  subjects?: Subject[];
  roleRef?: RoleRef;
}

/** ValidateRBACName: any name usable as a URL path segment ("system:node" included). */
export const rbacNameValidator: NameValidator = (name) => isValidPathSegmentName(name);

/** ValidatePolicyRule. */
export function validatePolicyRule(rule: PolicyRule, namespaced: boolean, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  if (!rule.verbs?.length) errs.required(path.child('verbs'), 'verbs must contain at least one value');
  if (rule.nonResourceURLs?.length) {
    if (namespaced) errs.invalid(path.child('nonResourceURLs'), rule.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs');
    if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) {
      errs.invalid(path.child('nonResourceURLs'), rule.nonResourceURLs, 'rules cannot apply to both regular resources and non-resource URLs');
    }
    return errs;
  }
  if (!rule.apiGroups?.length) errs.required(path.child('apiGroups'), 'resource rules must supply at least one api group');
  if (!rule.resources?.length) errs.required(path.child('resources'), 'resource rules must supply at least one resource');
  return errs;
}

export const validateRules = (rules: PolicyRule[] | undefined, namespaced: boolean): ErrorList => {
  const errs = new ErrorList();
  (rules ?? []).forEach((rule, i) => errs.add(validatePolicyRule(rule, namespaced, root('rules').index(i))));
  return errs;
};

/** SetDefaults_RoleBinding / ClusterRoleBinding / Subject. */
export function defaultBinding(b: Binding): void {
  if (b.roleRef && !b.roleRef.apiGroup) b.roleRef.apiGroup = RBAC_GROUP;
  for (const s of b.subjects ?? []) {
    if (s.apiGroup) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    else if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
  }
}

function validateSubject(s: Subject, namespaced: boolean, path: FieldPath, errs: ErrorList): void {
  const name = s.name ?? '';
  if (!name) errs.required(path.child('name'));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name) for (const msg of isDNS1123Subdomain(name)) errs.invalid(path.child('name'), name, msg);
      if (s.apiGroup) errs.notSupported(path.child('apiGroup'), s.apiGroup, ['']);
      if (!namespaced && !s.namespace) errs.required(path.child('namespace'));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC_GROUP) errs.notSupported(path.child('apiGroup'), s.apiGroup ?? '', [RBAC_GROUP]);
      break;
    default:
      errs.notSupported(path.child('kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']);
  }
}

/** ValidateRoleBinding / ValidateClusterRoleBinding (namespaced picks which). */
export function validateBinding(b: Binding, namespaced: boolean): ErrorList {
  const errs = new ErrorList();
  const ref = b.roleRef ?? {};
  if (ref.apiGroup !== RBAC_GROUP) errs.notSupported(root('roleRef', 'apiGroup'), ref.apiGroup ?? '', [RBAC_GROUP]);
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind ?? '')) errs.notSupported(root('roleRef', 'kind'), ref.kind ?? '', kinds);
  if (!ref.name) errs.required(root('roleRef', 'name'));
  else for (const msg of isValidPathSegmentName(ref.name)) errs.invalid(root('roleRef', 'name'), ref.name, msg);
  (b.subjects ?? []).forEach((s, i) => validateSubject(s, namespaced, root('subjects').index(i), errs));
  return errs;
}

/** roleRef cannot change: a binding to other permissions is a new binding. */
export function validateRoleRefUnchanged(b: Binding, old: Binding): ErrorList {
  const errs = new ErrorList();
  const a = b.roleRef ?? {};
  const o = old.roleRef ?? {};
  if (a.apiGroup !== o.apiGroup || a.kind !== o.kind || a.name !== o.name) {
    // Go prints the struct with %#v.
    const shown = new GoLiteral(`rbac.RoleRef{APIGroup:${goQuote(a.apiGroup ?? '')}, Kind:${goQuote(a.kind ?? '')}, Name:${goQuote(a.name ?? '')}}`);
    errs.invalid(root('roleRef'), shown, 'cannot change roleRef');
  }
  return errs;
}

/** SubjectsStrings: users, groups and "namespace/name" service accounts. */
export function subjectsStrings(subjects: Subject[] | undefined): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const out = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[] };
  for (const s of subjects ?? []) {
    if (s.kind === 'ServiceAccount') out.serviceAccounts.push(`${s.namespace ?? ''}/${s.name ?? ''}`);
    else if (s.kind === 'User') out.users.push(s.name ?? '');
    else if (s.kind === 'Group') out.groups.push(s.name ?? '');
  }
  return out;
}

export function bindingTable<T extends Binding>(scope: 'roleBinding' | 'clusterRoleBinding'): TableDefinition<T> {
  return {
    columns: [
      { name: 'Role', type: 'string', description: 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
      { name: 'Users', type: 'string', priority: 1, description: `Users in the ${scope}` },
      { name: 'Groups', type: 'string', priority: 1, description: `Groups in the ${scope}` },
      { name: 'ServiceAccounts', type: 'string', priority: 1, description: `ServiceAccounts in the ${scope}` },
    ],
    cells: (b, now) => {
      const { users, groups, serviceAccounts } = subjectsStrings(b.subjects);
      return [`${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`, age(b, now), users.join(', '), groups.join(', '), serviceAccounts.join(', ')];
    },
  };
}

/** Roles have no printer upstream: the default table shows NAME and CREATED AT. */
export function roleTable<T extends KubeObject>(): TableDefinition<T> {
  return {
    columns: [{ name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' }],
    cells: (r) => [r.metadata.creationTimestamp ?? '0001-01-01T00:00:00Z'],
  };
}
