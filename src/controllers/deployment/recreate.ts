// The Recreate strategy (recreate.go): scale every old ReplicaSet to zero, wait until none of
// their pods is left running, then create (or scale up) the new ReplicaSet to the full count.
import { cleanupDeployment } from './cleanup.js';
import { deploymentComplete } from './conditions.js';
import type { PodMap, SyncContext } from './context.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replica-set.js';
import { actualReplicaCount, filterActive, specReplicas } from './replicas.js';
import { syncRolloutStatus } from './status.js';
import type { Deployment, ReplicaSet } from './types.js';
import { scaleReplicaSetAndRecordEvent } from './writes.js';

export async function rolloutRecreate(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[], podMap: PodMap): Promise<void> {
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  let all = [...oldRSs, newRS];
  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) {
    if ((await scaleReplicaSetAndRecordEvent(ctx, rs, 0, d)).scaled) scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(ctx, all, newRS, d);
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(ctx, all, newRS, d);
  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true));
    all = [...oldRSs, newRS];
  }
  if (newRS) await scaleReplicaSetAndRecordEvent(ctx, newRS, specReplicas(d), d);
  if (deploymentComplete(d, d.status ?? {})) await cleanupDeployment(ctx, oldRSs, d);
  return syncRolloutStatus(ctx, all, newRS, d);
}

/** Any old pod that has not finished (Pending, Running, Unknown) still counts as running. */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    if (pods.some((pod) => pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}
