// The RollingUpdate strategy (rolling.go). Each sync moves one step and stops, and the cache
// shows the result before the next: scale the new ReplicaSet up as far as maxSurge allows,
// otherwise scale old ones down as far as maxUnavailable allows, counting only available pods.
// At every moment: pods <= replicas + maxSurge, available >= replicas - maxUnavailable.
import { cleanupDeployment } from './cleanup.js';
import { deploymentComplete } from './conditions.js';
import type { SyncContext } from './context.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replica-set.js';
import { availableReplicaCount, byCreation, filterActive, maxUnavailable, newRSNewReplicas, replicaCount, specReplicas } from './replicas.js';
import { syncRolloutStatus } from './status.js';
import type { Deployment, ReplicaSet } from './types.js';
import { scaleReplicaSetAndRecordEvent } from './writes.js';

export async function rolloutRolling(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true);
  const all = [...oldRSs, newRS];
  if (newRS && (await reconcileNewReplicaSet(ctx, all, newRS, d))) return syncRolloutStatus(ctx, all, newRS, d);
  if (newRS && (await reconcileOldReplicaSets(ctx, all, filterActive(oldRSs), newRS, d))) return syncRolloutStatus(ctx, all, newRS, d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, oldRSs, d);
  return syncRolloutStatus(ctx, all, newRS, d);
}

/** Scales the new ReplicaSet toward spec.replicas within maxSurge; true when it scaled. */
export async function reconcileNewReplicaSet(ctx: SyncContext, all: Array<ReplicaSet | undefined>, newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  const want = specReplicas(d);
  const have = newRS.spec?.replicas ?? 0;
  if (have === want) return false;
  if (have > want) return (await scaleReplicaSetAndRecordEvent(ctx, newRS, want, d)).scaled;
  return (await scaleReplicaSetAndRecordEvent(ctx, newRS, newRSNewReplicas(d, all, newRS), d)).scaled;
}

/** Scales old ReplicaSets down as far as availability allows, unhealthy replicas first; true when any scaled. */
export async function reconcileOldReplicaSets(ctx: SyncContext, all: Array<ReplicaSet | undefined>, oldRSs: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (replicaCount(oldRSs) === 0) return false;
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const newUnavailable = (newRS.spec?.replicas ?? 0) - (newRS.status?.availableReplicas ?? 0);
  // Pods that may go: everything above the minimum that must stay available, not counting new
  // pods that are not available yet (removing old ones for them would drop below the minimum).
  const maxScaledDown = replicaCount(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const { oldRSs: afterCleanup, scaledDown: cleaned } = await cleanupUnhealthyReplicas(ctx, oldRSs, d, maxScaledDown);
  const scaled = await scaleDownOldReplicaSets(ctx, [...afterCleanup, newRS], afterCleanup, d);
  return cleaned + scaled > 0;
}

/** Old replicas that are not available cost nothing to remove: scale those away first, oldest ReplicaSet first. */
async function cleanupUnhealthyReplicas(ctx: SyncContext, oldRSs: ReplicaSet[], d: Deployment, maxCleanup: number): Promise<{ oldRSs: ReplicaSet[]; scaledDown: number }> {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (const [i, rs] of sorted.entries()) {
    if (total >= maxCleanup) break;
    const replicas = rs.spec?.replicas ?? 0;
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanup - total, replicas - available);
    sorted[i] = (await scaleReplicaSetAndRecordEvent(ctx, rs, replicas - count, d)).rs;
    total += count;
  }
  return { oldRSs: sorted, scaledDown: total };
}

/** Scales old ReplicaSets down by as many available pods as exceed the minimum, oldest first. */
async function scaleDownOldReplicaSets(ctx: SyncContext, all: Array<ReplicaSet | undefined>, oldRSs: ReplicaSet[], d: Deployment): Promise<number> {
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const available = availableReplicaCount(all);
  if (available <= minAvailable) return 0;
  const target = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= target) break;
    const replicas = rs.spec?.replicas ?? 0;
    if (replicas === 0) continue;
    const count = Math.min(replicas, target - total);
    await scaleReplicaSetAndRecordEvent(ctx, rs, replicas - count, d);
    total += count;
  }
  return total;
}
