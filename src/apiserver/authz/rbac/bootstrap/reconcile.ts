// Ensures the bootstrap policy on start, like Kubernetes' rbac/bootstrap-roles post-start hook:
// a missing object is created; an existing one keeps what it has and gains what it lacks (rules,
// aggregation selectors, subjects, labels, annotations) unless annotated autoupdate=false; a
// binding whose roleRef changed is recreated (roleRef is immutable).
import { isStatusError } from '../../../../apimachinery/errors.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { SYSTEM_MASTERS } from '../../../authn/user.js';
import type { RequestContext } from '../../../registry/generic/resource.js';
import type { RegistryStore } from '../../../registry/generic/registry-store.js';
import type { ClusterRole } from '../../../registry/rbac/clusterroles/strategy.js';
import type { Binding, Subject } from '../../../registry/rbac/rbac-validation.js';
import { ruleCovers, breakdownRule } from '../covers.js';
import { AUTOUPDATE_ANNOTATION, bootstrapClusterRoleBindings, bootstrapClusterRoles } from './policy.js';

export type PolicyRegistry = Pick<RegistryStore, 'get' | 'create' | 'update' | 'remove'>;

/** Entries are "clusterrole/NAME" or "clusterrolebinding/NAME". */
export interface ReconcileReport {
  created: string[];
  updated: string[];
  /** Left alone: annotated autoupdate=false. */
  skipped: string[];
}

const ctx: RequestContext = { user: { name: 'system:apiserver', groups: [SYSTEM_MASTERS] }, namespace: '', dryRun: false };

/** Fields a reconcile fills in on `existing` (a copy); returns whether it changed anything. */
type Reconcile<T> = (existing: T, expected: T) => boolean;

function mergeMetadata(existing: KubeObject, expected: KubeObject): boolean {
  let changed = false;
  for (const field of ['labels', 'annotations'] as const) {
    const have = { ...(existing.metadata[field] ?? {}) };
    const missing = Object.entries(expected.metadata[field] ?? {}).filter(([k]) => !(k in have)); // the cluster's values win
    if (missing.length === 0) continue;
    existing.metadata[field] = { ...have, ...Object.fromEntries(missing) };
    changed = true;
  }
  return changed;
}

export const reconcileRole: Reconcile<ClusterRole> = (existing, expected) => {
  let changed = mergeMetadata(existing, expected);
  if (expected.aggregationRule) {
    const have = existing.aggregationRule?.clusterRoleSelectors ?? [];
    const missing = (expected.aggregationRule.clusterRoleSelectors ?? []).filter((s) => !have.some((h) => JSON.stringify(h) === JSON.stringify(s)));
    if (missing.length || !existing.aggregationRule) {
      existing.aggregationRule = { clusterRoleSelectors: [...have, ...missing] };
      changed = true;
    }
  }
  // Aggregated roles get their rules from the aggregation, not from here.
  if (!expected.aggregationRule || !existing.aggregationRule) {
    const have = existing.rules ?? [];
    // Whole rules are added (not Kubernetes' broken-down pieces) to keep the role readable.
    const missing = (expected.rules ?? []).filter((r) => breakdownRule(r).some((piece) => !have.some((h) => ruleCovers(h, piece))));
    if (missing.length) {
      existing.rules = [...have, ...missing];
      changed = true;
    }
  }
  return changed;
};

const sameSubject = (a: Subject, b: Subject): boolean => a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

export const reconcileBinding: Reconcile<Binding> = (existing, expected) => {
  let changed = mergeMetadata(existing, expected);
  const have = existing.subjects ?? [];
  const missing = (expected.subjects ?? []).filter((s) => !have.some((h) => sameSubject(h, s)));
  if (missing.length) {
    existing.subjects = [...have, ...missing];
    changed = true;
  }
  return changed;
};

const sameRoleRef = (a: Binding, b: Binding): boolean => a.roleRef?.kind === b.roleRef?.kind && a.roleRef?.name === b.roleRef?.name;

async function ensureOne<T extends KubeObject>(registry: PolicyRegistry, expected: T, reconcile: Reconcile<T>, report: ReconcileReport, recreateIf?: (existing: T) => boolean): Promise<void> {
  const name = expected.metadata.name ?? '';
  const label = `${expected.kind.toLowerCase()}/${name}`;
  let existing: T | null;
  try {
    existing = (await registry.get('', name)) as T;
  } catch (err) {
    if (!(isStatusError(err) && err.reason === 'NotFound')) throw err;
    existing = null;
  }
  if (existing && existing.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false') {
    report.skipped.push(label);
    return;
  }
  if (existing && recreateIf?.(existing)) {
    await registry.remove(ctx, existing);
    existing = null;
  }
  if (!existing) {
    try {
      await registry.create(ctx, structuredClone(expected));
      report.created.push(label);
      return;
    } catch (err) {
      if (!(isStatusError(err) && err.reason === 'AlreadyExists')) throw err;
    }
  }
  let changed = false;
  await registry.update(ctx, name, (current) => {
    const copy = current as T;
    changed = reconcile(copy, expected);
    return copy;
  }, { retryOnConflict: true });
  if (changed) report.updated.push(label);
}

/** Creates or completes the bootstrap ClusterRoles, then the ClusterRoleBindings. */
export async function ensureBootstrapPolicy(registries: { clusterRoles: PolicyRegistry; clusterRoleBindings: PolicyRegistry }): Promise<ReconcileReport> {
  const report: ReconcileReport = { created: [], updated: [], skipped: [] };
  for (const role of bootstrapClusterRoles()) await ensureOne(registries.clusterRoles, role, reconcileRole, report);
  for (const binding of bootstrapClusterRoleBindings()) {
    await ensureOne(registries.clusterRoleBindings, binding, reconcileBinding, report, (existing) => !sameRoleRef(existing, binding));
  }
  return report;
}
