// A Deployment's status as `kubectl rollout status` reads it (sync.go calculateStatus,
// progress.go syncRolloutStatus): counts summed over its ReplicaSets, the Available condition,
// the Progressing condition against progressDeadlineSeconds, and ReplicaFailure carried over
// from the ReplicaSets.
import { canonicalJson } from './hash.js';
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  newCondition,
  removeCondition,
  setCondition,
} from './conditions.js';
import type { SyncContext } from './context.js';
import { actualReplicaCount, availableReplicaCount, maxUnavailable, readyReplicaCount, replicaCount, specReplicas } from './replicas.js';
import {
  type Deployment,
  type DeploymentCondition,
  type DeploymentStatus,
  REASON_MIN_AVAILABLE,
  REASON_MIN_UNAVAILABLE,
  REASON_NEW_RS_AVAILABLE,
  REASON_PAUSED,
  REASON_RESUMED,
  REASON_RS_UPDATED,
  REASON_TIMED_OUT,
  type ReplicaSet,
} from './types.js';
import { writeDeploymentStatus } from './writes.js';

/** Go's omitempty: zero counts are left out, as the API server would show them. */
function omitZeros(status: DeploymentStatus): DeploymentStatus {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(status)) if (v !== undefined && v !== 0) out[k] = v;
  return out as DeploymentStatus;
}

export const sameStatus = (a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean =>
  canonicalJson(omitZeros(a ?? {})) === canonicalJson(omitZeros(b ?? {}));

export function calculateStatus(allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined, d: Deployment, nowMs: number): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  // More available than desired while scaling down is not "negative unavailability".
  const unavailable = Math.max(0, replicaCount(allRSs) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
  };
  if (d.status?.conditions) status.conditions = d.status.conditions.map((c) => ({ ...c }));
  if (available >= specReplicas(d) - maxUnavailable(d)) {
    setCondition(status, newCondition('Available', 'True', REASON_MIN_AVAILABLE, 'Deployment has minimum availability.', nowMs));
  } else {
    setCondition(status, newCondition('Available', 'False', REASON_MIN_UNAVAILABLE, 'Deployment does not have minimum availability.', nowMs));
  }
  return omitZeros(status);
}

/** Writes the calculated status when it differs (used while scaling or paused, where progress is not judged). */
export async function syncDeploymentStatus(ctx: SyncContext, allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d, ctx.now());
  if (sameStatus(d.status, status)) return;
  d.status = status;
  await writeDeploymentStatus(ctx, d);
}

/** The ReplicaFailure conditions of the new ReplicaSet, else of any ReplicaSet, as Deployment conditions. */
function replicaFailures(allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const of = (rs: ReplicaSet | undefined): DeploymentCondition[] =>
    (rs?.status?.conditions ?? [])
      .filter((c) => c.type === 'ReplicaFailure')
      .map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message, lastTransitionTime: c.lastTransitionTime, lastUpdateTime: c.lastTransitionTime }));
  const fromNew = of(newRS);
  return fromNew.length > 0 ? fromNew : allRSs.flatMap(of);
}

/** Status plus the Progressing verdict; when nothing changed, looks again when the deadline would pass. */
export async function syncRolloutStatus(ctx: SyncContext, allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const now = ctx.now();
  const status = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
  const current = getCondition(d.status, 'Progressing');
  const alreadyComplete = status.replicas === status.updatedReplicas && current?.reason === REASON_NEW_RS_AVAILABLE;
  const rsName = newRS?.metadata?.name;
  if (hasProgressDeadline(d) && !alreadyComplete) {
    if (deploymentComplete(d, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : 'Deployment has successfully progressed.';
      setCondition(status, newCondition('Progressing', 'True', REASON_NEW_RS_AVAILABLE, msg, now));
    } else if (deploymentProgressing(d, status)) {
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : 'Deployment is progressing.';
      const cond = newCondition('Progressing', 'True', REASON_RS_UPDATED, msg, now);
      // Progress refreshes lastUpdateTime (the deadline restarts) but keeps the transition time.
      if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, 'Progressing');
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, now)) {
      const msg = rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata?.name ?? ''}" has timed out progressing.`;
      setCondition(status, newCondition('Progressing', 'False', REASON_TIMED_OUT, msg, now));
    }
  }
  const failures = replicaFailures(allRSs, newRS);
  if (failures.length > 0) setCondition(status, failures[0]!);
  else removeCondition(status, 'ReplicaFailure');

  if (sameStatus(d.status, status)) {
    requeueStuckDeployment(ctx, d, status, now);
    return;
  }
  d.status = status;
  await writeDeploymentStatus(ctx, d);
}

/** A rollout that makes no progress produces no events: look again just after its deadline. */
function requeueStuckDeployment(ctx: SyncContext, d: Deployment, status: DeploymentStatus, now: number): void {
  const current = getCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !current) return;
  if (deploymentComplete(d, status) || current.reason === REASON_TIMED_OUT) return;
  const last = Date.parse(current.lastUpdateTime ?? '');
  if (Number.isNaN(last)) return;
  const after = last + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - now;
  if (after < 1000) ctx.requeueRateLimited(d);
  else ctx.requeueAfter(d, after + 1000);
}

/** Pausing and resuming are recorded in Progressing (Unknown), so a long pause is not mistaken for no progress. */
export async function checkPausedConditions(ctx: SyncContext, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status, 'Progressing');
  if (cond?.reason === REASON_TIMED_OUT) return;
  const pausedRecorded = cond?.reason === REASON_PAUSED;
  const status = (d.status ??= {});
  if (d.spec?.paused && !pausedRecorded) {
    setCondition(status, newCondition('Progressing', 'Unknown', REASON_PAUSED, 'Deployment is paused', ctx.now()));
  } else if (!d.spec?.paused && pausedRecorded) {
    setCondition(status, newCondition('Progressing', 'Unknown', REASON_RESUMED, 'Deployment is resumed', ctx.now()));
  } else {
    return;
  }
  await writeDeploymentStatus(ctx, d);
}
