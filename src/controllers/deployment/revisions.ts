// Revision bookkeeping (deployment_util.go, sync.go cleanupDeployment): every template a
// Deployment has run is a ReplicaSet numbered by the revision annotation; the current one
// always has the highest number (an old one brought back by `rollout undo` gets the next
// number and remembers its old ones in revision-history); beyond revisionHistoryLimit, old
// ReplicaSets scaled to zero are deleted, lowest revision first.
import { hasRevisionHistoryLimit } from './conditions.js';
import { maxSurge, setReplicasAnnotations, specReplicas, byCreation } from './replicas.js';
import {
  DESIRED_REPLICAS_ANNOTATION,
  type Deployment,
  LAST_APPLIED_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  type ReplicaSet,
} from './types.js';

/** revision-history is capped at this many characters (sync.go maxRevHistoryLengthInChars). */
export const MAX_REVISION_HISTORY_CHARS = 2000;

/** Annotations a Deployment does not copy to its ReplicaSets (and `rollout undo` does not copy back). */
const SKIPPED_ANNOTATIONS = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/** The revision number; 0 when absent, undefined when unparsable (such ReplicaSets are skipped). */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): number | undefined {
  const raw = obj.metadata?.annotations?.[REVISION_ANNOTATION];
  if (raw === undefined) return 0;
  return /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export function maxRevision(rss: ReplicaSet[]): number {
  return rss.reduce((max, rs) => Math.max(max, revisionOf(rs) ?? 0), 0);
}

/** Copies the Deployment's annotations (except the skipped ones) onto `rs`; true when something changed. */
function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  const annotations = ((rs.metadata ??= {}).annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (SKIPPED_ANNOTATIONS.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * SetNewReplicaSetAnnotations on `rs` (a copy the caller owns): the Deployment's annotations,
 * the revision raised to `newRevision` when lower (recording the old number in revision-history),
 * and for a ReplicaSet about to be created the desired/max-replicas annotations. True when changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const annotations = ((rs.metadata ??= {}).annotations ??= {});
  const oldRaw = annotations[REVISION_ANNOTATION];
  const oldRevision = oldRaw === undefined ? 0 : revisionOf(rs);
  if (oldRevision === undefined) return changed; // not a number: leave it alone, as upstream does
  if (oldRevision < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldRaw !== undefined) annotations[REVISION_HISTORY_ANNOTATION] = appendHistory(annotations[REVISION_HISTORY_ANNOTATION] ?? '', oldRaw);
  }
  if (!exists && setReplicasAnnotations(rs, specReplicas(d), specReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** "1,3" + "5" -> "1,3,5", dropping the oldest entries to stay within MAX_REVISION_HISTORY_CHARS. */
function appendHistory(history: string, revision: string): string {
  if (history === '') return revision;
  const entries = history.split(',');
  let total = history.length + revision.length + 1;
  let start = 0;
  while (total > MAX_REVISION_HISTORY_CHARS && start < entries.length) {
    total -= entries[start]!.length + 1;
    start++;
  }
  if (total > MAX_REVISION_HISTORY_CHARS) return history;
  return [...entries.slice(start), revision].join(',');
}

/** Lowest revision first; ties oldest first (ReplicaSetsByRevision). */
const byRevision = (a: ReplicaSet, b: ReplicaSet): number => (revisionOf(a) ?? 0) - (revisionOf(b) ?? 0) || byCreation(a, b);

/**
 * The old ReplicaSets to delete so at most revisionHistoryLimit remain: lowest revisions first,
 * only those fully scaled down (spec and status at zero, status up to date) and not already being deleted.
 */
export function replicaSetsToCleanUp(d: Deployment, oldRSs: ReplicaSet[]): ReplicaSet[] {
  if (!hasRevisionHistoryLimit(d)) return [];
  const alive = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const diff = alive.length - (d.spec?.revisionHistoryLimit ?? 0);
  if (diff <= 0) return [];
  return [...alive]
    .sort(byRevision)
    .slice(0, diff)
    .filter((rs) => (rs.status?.replicas ?? 0) === 0 && (rs.spec?.replicas ?? 0) === 0 && (rs.metadata?.generation ?? 0) <= (rs.status?.observedGeneration ?? 0));
}
