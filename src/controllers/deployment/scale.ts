// Scaling without rolling out (sync.go sync / scale / isScalingEvent): when spec.replicas changes,
// or the Deployment is paused, ReplicaSets are resized in proportion to their size, so a
// rollout in progress keeps its old:new ratio instead of racing ahead or falling back.
import type { SyncContext } from './context.js';
import { type ReplicaSets, getAllReplicaSetsAndSyncRevision } from './new-replica-set.js';
import {
  bySizeNewer,
  bySizeOlder,
  desiredReplicasAnnotation,
  filterActive,
  findActiveOrLatest,
  isRollingUpdate,
  isSaturated,
  maxSurge,
  proportion,
  replicaCount,
  specReplicas,
} from './replicas.js';
import { cleanupDeployment } from './cleanup.js';
import { syncDeploymentStatus } from './status.js';
import type { Deployment, ReplicaSet } from './types.js';
import { scaleReplicaSet, scaleReplicaSetAndRecordEvent } from './writes.js';

/** A scaling event: an active ReplicaSet was sized for a different spec.replicas than the Deployment's. */
export async function isScalingEvent(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  return filterActive([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== specReplicas(d);
  });
}

/** Reconciles sizes only (scaling events, paused Deployments); a paused one also drops old history. */
export async function syncScaling(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs }: ReplicaSets = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  await scale(ctx, d, newRS, oldRSs);
  if (d.spec?.paused) await cleanupDeployment(ctx, oldRSs, d);
  await syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS, d);
}

export async function scale(ctx: SyncContext, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const want = specReplicas(d);
  // One active ReplicaSet (or none): it simply gets the full count.
  const single = findActiveOrLatest(newRS, oldRSs);
  if (single) {
    if ((single.spec?.replicas ?? 0) === want) return;
    await scaleReplicaSetAndRecordEvent(ctx, single, want, d);
    return;
  }
  // The new ReplicaSet already runs everything: the old ones go to zero.
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) await scaleReplicaSetAndRecordEvent(ctx, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;

  const all = filterActive([...oldRSs, newRS]);
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - replicaCount(all);
  let operation = '';
  if (toAdd > 0) {
    all.sort(bySizeNewer);
    operation = 'up';
  } else if (toAdd < 0) {
    all.sort(bySizeOlder);
    operation = 'down';
  }
  // Shares by current size; what rounding leaves over goes to (or comes from) the largest.
  let added = 0;
  const sizes = new Map<ReplicaSet, number>();
  for (const rs of all) {
    const share = toAdd !== 0 ? proportion(rs, d, toAdd, added) : 0;
    sizes.set(rs, (rs.spec?.replicas ?? 0) + share);
    added += share;
  }
  for (const [i, rs] of all.entries()) {
    let size = sizes.get(rs)!;
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    await scaleReplicaSet(ctx, rs, size, d, operation);
  }
}
