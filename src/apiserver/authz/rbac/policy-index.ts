// The RBAC policy in memory: roles by name and bindings by subject. Bindings are indexed under
// each subject (a user name or a group) and, for RoleBindings, under their namespace too, so a
// request finds the bindings of its user in O(1 + groups) lookups and walks only those.
import type { UserInfo } from '../../authn/user.js';
import type { Binding, PolicyRule, RoleRef, Subject } from '../../registry/rbac/rbac-validation.js';
import { describeSubject, keysOfUser, subjectKey } from './subjects.js';

export type BindingKind = 'ClusterRoleBinding' | 'RoleBinding';

/** A binding that applies to a user, through one of its subjects. */
export interface BindingMatch {
  kind: BindingKind;
  /** "" for ClusterRoleBindings. */
  namespace: string;
  name: string;
  roleRef: RoleRef;
  subject: Subject;
}

export interface RoleLike {
  metadata: { name?: string; namespace?: string };
  rules?: PolicyRule[];
}

/** Told each applicable binding with its rules, or the error resolving its role; returns true to stop. */
export type BindingVisitor = (match: BindingMatch, rules: readonly PolicyRule[], error: string | null) => boolean;

const EMPTY: readonly PolicyRule[] = Object.freeze([]);
const bindingId = (kind: BindingKind, namespace: string, name: string): string => `${kind}\0${namespace}\0${name}`;
const namespacedKey = (namespace: string, key: string): string => `${namespace}\0${key}`;

/** Kubernetes' source description in "allowed by" reasons. */
export function describeBinding(m: BindingMatch): string {
  const name = m.kind === 'RoleBinding' ? `${m.name}/${m.namespace}` : m.name;
  return `${m.kind} "${name}" of ${m.roleRef.kind} "${m.roleRef.name}" to ${describeSubject(m.subject, m.namespace)}`;
}

export class PolicyIndex {
  readonly #roles = new Map<string, readonly PolicyRule[]>();
  readonly #clusterRoles = new Map<string, readonly PolicyRule[]>();
  /** subject key (ClusterRoleBindings) or namespace + subject key (RoleBindings) -> binding id -> match */
  readonly #bySubject = new Map<string, Map<string, BindingMatch>>();
  /** binding id -> the index keys it was filed under, to unfile it on change */
  readonly #filed = new Map<string, string[]>();

  // ---- roles ----

  setRole(role: RoleLike): void {
    this.#roles.set(`${role.metadata.namespace ?? ''}/${role.metadata.name ?? ''}`, Object.freeze([...(role.rules ?? [])]));
  }
  deleteRole(role: RoleLike): void {
    this.#roles.delete(`${role.metadata.namespace ?? ''}/${role.metadata.name ?? ''}`);
  }
  replaceRoles(roles: RoleLike[]): void {
    this.#roles.clear();
    roles.forEach((r) => this.setRole(r));
  }

  setClusterRole(role: RoleLike): void {
    this.#clusterRoles.set(role.metadata.name ?? '', Object.freeze([...(role.rules ?? [])]));
  }
  deleteClusterRole(role: RoleLike): void {
    this.#clusterRoles.delete(role.metadata.name ?? '');
  }
  replaceClusterRoles(roles: RoleLike[]): void {
    this.#clusterRoles.clear();
    roles.forEach((r) => this.setClusterRole(r));
  }

  // ---- bindings ----

  setBinding(kind: BindingKind, binding: Binding): void {
    const namespace = kind === 'RoleBinding' ? (binding.metadata.namespace ?? '') : '';
    const name = binding.metadata.name ?? '';
    const id = bindingId(kind, namespace, name);
    this.#unfile(id);
    const roleRef = { ...binding.roleRef };
    const keys: string[] = [];
    for (const subject of binding.subjects ?? []) {
      const key = subjectKey(subject, namespace);
      if (key === null) continue;
      const filedUnder = kind === 'RoleBinding' ? namespacedKey(namespace, key) : key;
      if (keys.includes(filedUnder)) continue; // the same subject twice: the first one describes it
      keys.push(filedUnder);
      let bucket = this.#bySubject.get(filedUnder);
      if (!bucket) this.#bySubject.set(filedUnder, (bucket = new Map()));
      bucket.set(id, { kind, namespace, name, roleRef, subject: { ...subject } });
    }
    if (keys.length > 0) this.#filed.set(id, keys);
  }

  deleteBinding(kind: BindingKind, binding: Binding): void {
    const namespace = kind === 'RoleBinding' ? (binding.metadata.namespace ?? '') : '';
    this.#unfile(bindingId(kind, namespace, binding.metadata.name ?? ''));
  }

  replaceBindings(kind: BindingKind, bindings: Binding[]): void {
    for (const id of [...this.#filed.keys()]) if (id.startsWith(`${kind}\0`)) this.#unfile(id);
    bindings.forEach((b) => this.setBinding(kind, b));
  }

  #unfile(id: string): void {
    for (const key of this.#filed.get(id) ?? []) {
      const bucket = this.#bySubject.get(key);
      bucket?.delete(id);
      if (bucket?.size === 0) this.#bySubject.delete(key);
    }
    this.#filed.delete(id);
  }

  // ---- reading ----

  /** The bindings that apply to `user` in `namespace` ("" for cluster-scoped requests): every
   *  ClusterRoleBinding naming it, then the RoleBindings of that namespace; each once, by name. */
  bindingsFor(user: UserInfo, namespace: string): BindingMatch[] {
    const keys = keysOfUser(user);
    const collect = (filedUnder: (key: string) => string): BindingMatch[] => {
      const found = new Map<string, BindingMatch>();
      for (const key of keys) {
        for (const [id, match] of this.#bySubject.get(filedUnder(key)) ?? []) if (!found.has(id)) found.set(id, match);
      }
      return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    };
    const cluster = collect((key) => key);
    return namespace ? [...cluster, ...collect((key) => namespacedKey(namespace, key))] : cluster;
  }

  /** The rules a binding grants, or why they cannot be found (Kubernetes' wording). */
  rulesOf(match: BindingMatch): { rules: readonly PolicyRule[]; error: string | null } {
    if (match.roleRef.kind === 'Role' && match.kind !== 'RoleBinding') return { rules: EMPTY, error: 'unsupported role reference kind: "Role"' };
    return this.roleRefRules(match.roleRef, match.namespace);
  }

  /** Kubernetes' GetRoleReferenceRules: a ClusterRole by name, or a Role of `namespace`. */
  roleRefRules(roleRef: RoleRef, namespace: string): { rules: readonly PolicyRule[]; error: string | null } {
    const { kind, name } = roleRef;
    if (kind === 'ClusterRole') {
      const rules = this.#clusterRoles.get(name ?? '');
      return rules ? { rules, error: null } : { rules: EMPTY, error: `clusterrole.rbac.authorization.k8s.io "${name}" not found` };
    }
    if (kind === 'Role') {
      const rules = this.#roles.get(`${namespace}/${name}`);
      return rules ? { rules, error: null } : { rules: EMPTY, error: `role.rbac.authorization.k8s.io "${name}" not found` };
    }
    return { rules: EMPTY, error: `unsupported role reference kind: "${kind}"` };
  }

  /** Kubernetes' VisitRulesFor. */
  visit(user: UserInfo, namespace: string, visitor: BindingVisitor): void {
    for (const match of this.bindingsFor(user, namespace)) {
      const { rules, error } = this.rulesOf(match);
      if (visitor(match, rules, error)) return;
    }
  }

  get size(): { roles: number; clusterRoles: number; bindings: number } {
    return { roles: this.#roles.size, clusterRoles: this.#clusterRoles.size, bindings: this.#filed.size };
  }
}
