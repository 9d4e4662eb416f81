// The Deployment controller's writes: scaling a ReplicaSet (with its ScalingReplicaSet event),
// the Deployment's revision annotation, and its status. `d` is the sync's own copy of the
// Deployment: each write brings its resourceVersion up to date so the next write in the same
// sync is not refused as a conflict.
import { DEPLOYMENTS, REPLICASETS } from '../../client/resources.js';
import type { SyncContext } from './context.js';
import { maxSurge, replicasAnnotationsNeedUpdate, setReplicasAnnotations, specReplicas } from './replicas.js';
import { type Deployment, REVISION_ANNOTATION, type ReplicaSet } from './types.js';

/** Sets `replicas` (and the desired/max annotations); records "Scaled up|down replica set X from A to B". */
export async function scaleReplicaSet(ctx: SyncContext, rs: ReplicaSet, newScale: number, d: Deployment, operation: string): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const oldScale = rs.spec?.replicas ?? 0;
  const sizeNeedsUpdate = oldScale !== newScale;
  const desired = specReplicas(d);
  const max = desired + maxSurge(d);
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const copy = structuredClone(rs);
  copy.spec = { ...copy.spec!, replicas: newScale };
  setReplicasAnnotations(copy, desired, max);
  const updated = await ctx.client.update<ReplicaSet>(REPLICASETS, copy.metadata?.namespace, copy);
  if (sizeNeedsUpdate) {
    ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata?.name ?? ''} from ${oldScale} to ${newScale}`);
  }
  return { scaled: sizeNeedsUpdate, rs: updated };
}

export async function scaleReplicaSetAndRecordEvent(ctx: SyncContext, rs: ReplicaSet, newScale: number, d: Deployment): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const current = rs.spec?.replicas ?? 0;
  if (current === newScale) return { scaled: false, rs };
  return scaleReplicaSet(ctx, rs, newScale, d, current < newScale ? 'up' : 'down');
}

/** Sets the revision annotation on `d` (the sync's copy); true when it changed and must be written. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const annotations = ((d.metadata ??= {}).annotations ??= {});
  if (annotations[REVISION_ANNOTATION] === revision) return false;
  annotations[REVISION_ANNOTATION] = revision;
  return true;
}

/**
 * Writes `d`'s revision annotation (when `revisionChanged`) and its status. Kubernetes writes
 * both with one /status update; kite's /status keeps metadata as it was, so the annotation
 * goes first as a metadata-only merge patch (which does not move the generation).
 */
export async function writeDeployment(ctx: SyncContext, d: Deployment, revisionChanged: boolean): Promise<void> {
  const namespace = d.metadata?.namespace;
  const name = d.metadata?.name ?? '';
  if (revisionChanged) {
    const revision = d.metadata?.annotations?.[REVISION_ANNOTATION];
    const patched = await ctx.client.patch<Deployment>(DEPLOYMENTS, namespace, name, 'merge', {
      metadata: { annotations: { [REVISION_ANNOTATION]: revision }, resourceVersion: d.metadata?.resourceVersion },
    });
    (d.metadata ??= {}).resourceVersion = patched.metadata?.resourceVersion;
  }
  await writeDeploymentStatus(ctx, d);
}

/** PUT /status with `d`'s status; `d` takes the new resourceVersion. */
export async function writeDeploymentStatus(ctx: SyncContext, d: Deployment): Promise<void> {
  const updated = await ctx.client.updateStatus<Deployment>(DEPLOYMENTS, d.metadata?.namespace, d);
  (d.metadata ??= {}).resourceVersion = updated.metadata?.resourceVersion;
}
