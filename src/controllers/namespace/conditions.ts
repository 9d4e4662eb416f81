// The status conditions a terminating namespace carries while the namespace controller empties
// it (types, reasons and messages as Kubernetes writes them, so `kubectl describe ns` reads the same).

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export const DISCOVERY_FAILURE = 'NamespaceDeletionDiscoveryFailure';
export const GROUP_VERSION_PARSING_FAILURE = 'NamespaceDeletionGroupVersionParsingFailure';
export const CONTENT_FAILURE = 'NamespaceDeletionContentFailure';
export const CONTENT_REMAINING = 'NamespaceContentRemaining';
export const FINALIZERS_REMAINING = 'NamespaceFinalizersRemaining';

/** What one pass over the namespace's content found. */
export interface DeletionOutcome {
  discoveryErrors: string[];
  deleteErrors: string[];
  /** "configmaps." (resource.group) -> objects still there. */
  remainingByResource: Map<string, number>;
  /** finalizer -> objects still carrying it. */
  remainingByFinalizer: Map<string, number>;
}

const sorted = <V>(map: Map<string, V>): [string, V][] => [...map.entries()].sort(([a], [b]) => a.localeCompare(b));

/** The five conditions for `outcome` (Kubernetes sets all of them on every pass). */
export function conditionsFor(outcome: DeletionOutcome): NamespaceCondition[] {
  const conds: NamespaceCondition[] = [];
  conds.push(
    outcome.discoveryErrors.length > 0
      ? { type: DISCOVERY_FAILURE, status: 'True', reason: 'DiscoveryFailed', message: `Discovery failed for some groups, ${outcome.discoveryErrors.length} failing: ${outcome.discoveryErrors.join(', ')}` }
      : { type: DISCOVERY_FAILURE, status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  );
  conds.push({ type: GROUP_VERSION_PARSING_FAILURE, status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' });
  conds.push(
    outcome.deleteErrors.length > 0
      ? { type: CONTENT_FAILURE, status: 'True', reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${outcome.deleteErrors.length} remaining: ${outcome.deleteErrors.join(', ')}` }
      : { type: CONTENT_FAILURE, status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  );
  conds.push(
    outcome.remainingByResource.size > 0
      ? {
          type: CONTENT_REMAINING,
          status: 'True',
          reason: 'SomeResourcesRemain',
          message: `Some resources are remaining: ${sorted(outcome.remainingByResource).map(([r, n]) => `${r} has ${n} resource instances`).join(', ')}`,
        }
      : { type: CONTENT_REMAINING, status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
  );
  conds.push(
    outcome.remainingByFinalizer.size > 0
      ? {
          type: FINALIZERS_REMAINING,
          status: 'True',
          reason: 'SomeFinalizersRemain',
          message: `Some content in the namespace has finalizers remaining: ${sorted(outcome.remainingByFinalizer).map(([f, n]) => `${f} in ${n} resource instances`).join(', ')}`,
        }
      : { type: FINALIZERS_REMAINING, status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
  );
  return conds;
}

/**
 * `current` with `wanted` merged in: a condition whose status changed gets `now` as its
 * transition time, an unchanged one keeps its own. Returns undefined when nothing changed.
 */
export function mergeConditions(current: NamespaceCondition[], wanted: NamespaceCondition[], now: string): NamespaceCondition[] | undefined {
  let changed = false;
  const out = current.map((c) => ({ ...c }));
  for (const want of wanted) {
    const i = out.findIndex((c) => c.type === want.type);
    const have = i >= 0 ? out[i] : undefined;
    if (have && have.status === want.status && have.reason === want.reason && have.message === want.message) continue;
    changed = true;
    const next = { ...want, lastTransitionTime: have && have.status === want.status ? (have.lastTransitionTime ?? now) : now };
    if (i >= 0) out[i] = next;
    else out.push(next);
  }
  return changed ? out : undefined;
}
