// Finding or creating the ReplicaSet for a Deployment's current template, and keeping revision
// numbers in order (sync.go getAllReplicaSetsAndSyncRevision / getNewReplicaSet).
import { isAlreadyExists } from '../../client/errors.js';
import { REPLICASETS } from '../../client/resources.js';
import { controllerRef } from '../../apimachinery/meta.js';
import { getCondition, hasProgressDeadline, newCondition, setCondition } from './conditions.js';
import type { SyncContext } from './context.js';
import { newRSNewReplicas } from './replicas.js';
import { maxRevision, setNewReplicaSetAnnotations } from './revisions.js';
import { equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, newReplicaSetFor } from './templates.js';
import { type Deployment, REASON_FOUND_NEW_RS, REASON_NEW_RS_CREATED, REASON_RS_CREATE_ERROR, REVISION_ANNOTATION, type ReplicaSet } from './types.js';
import { setDeploymentRevision, writeDeployment, writeDeploymentStatus } from './writes.js';

export interface ReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/**
 * The new ReplicaSet (created when asked and missing) with its revision synced, and all old ones.
 * `rsList` is the sync's own list: a ReplicaSet written here is replaced in it by the written
 * version, so a second call in the same sync does not write again from a stale copy.
 */
export async function getAllReplicaSetsAndSyncRevision(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[], createIfNotExisted: boolean): Promise<ReplicaSets> {
  const oldRSs = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(ctx, d, rsList, oldRSs, createIfNotExisted);
  if (newRS) {
    const i = rsList.findIndex((rs) => rs.metadata?.uid === newRS.metadata?.uid);
    if (i >= 0) rsList[i] = newRS;
    else rsList.push(newRS);
  }
  return { newRS, oldRSs };
}

async function getNewReplicaSet(ctx: SyncContext, d: Deployment, rsList: ReplicaSet[], oldRSs: ReplicaSet[], createIfNotExisted: boolean): Promise<ReplicaSet | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = maxRevision(oldRSs) + 1;

  if (existing) {
    const copy = structuredClone(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
    const minReadySeconds = d.spec?.minReadySeconds ?? 0;
    if (annotationsUpdated || (copy.spec?.minReadySeconds ?? 0) !== minReadySeconds) {
      copy.spec = { ...copy.spec!, minReadySeconds };
      // The Deployment's revision follows on the next sync, from the updated ReplicaSet.
      return ctx.client.update<ReplicaSet>(REPLICASETS, copy.metadata?.namespace, copy);
    }
    const revisionChanged = setDeploymentRevision(d, copy.metadata?.annotations?.[REVISION_ANNOTATION] ?? '');
    let statusChanged = false;
    if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
      // First look at an existing rollout (e.g. progressDeadlineSeconds just set): start the clock now.
      setCondition((d.status ??= {}), newCondition('Progressing', 'True', REASON_FOUND_NEW_RS, `Found new replica set "${copy.metadata?.name ?? ''}"`, ctx.now()));
      statusChanged = true;
    }
    if (revisionChanged || statusChanged) await writeDeployment(ctx, d, revisionChanged);
    return copy;
  }

  if (!createIfNotExisted) return undefined;

  const candidate = newReplicaSetFor(d, 0);
  const replicas = newRSNewReplicas(d, [...oldRSs, candidate], candidate);
  candidate.spec = { ...candidate.spec!, replicas };
  setNewReplicaSetAnnotations(d, candidate, newRevision, false);
  const name = candidate.metadata?.name ?? '';
  const namespace = d.metadata?.namespace ?? '';

  let created: ReplicaSet;
  let alreadyExisted = false;
  try {
    created = await ctx.client.create<ReplicaSet>(REPLICASETS, namespace, candidate);
  } catch (err) {
    if (!isAlreadyExists(err)) {
      const msg = `Failed to create new replica set "${name}": ${err instanceof Error ? err.message : String(err)}`;
      if (hasProgressDeadline(d)) {
        setCondition((d.status ??= {}), newCondition('Progressing', 'False', REASON_RS_CREATE_ERROR, msg, ctx.now()));
        // The bigger problem is the one reported; a failed status write changes nothing.
        await writeDeploymentStatus(ctx, d).catch(() => undefined);
      }
      ctx.recorder.event(d, 'Warning', REASON_RS_CREATE_ERROR, msg);
      throw err;
    }
    // Ours from an earlier sync whose cache had not caught up, or a hash collision.
    const found = ctx.cachedReplicaSet(namespace, name) ?? (await ctx.client.get<ReplicaSet>(REPLICASETS, namespace, name));
    const ref = controllerRef(found);
    if (!ref || ref.uid !== d.metadata?.uid || !equalIgnoreHash(d.spec?.template, found.spec?.template)) {
      const status = (d.status ??= {});
      status.collisionCount = (status.collisionCount ?? 0) + 1;
      await writeDeploymentStatus(ctx, d);
      throw err;
    }
    created = found;
    alreadyExisted = true;
  }
  if (!alreadyExisted && replicas > 0) {
    ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata?.name ?? ''} from 0 to ${replicas}`);
  }
  const revisionChanged = setDeploymentRevision(d, String(newRevision));
  let statusChanged = false;
  if (!alreadyExisted && hasProgressDeadline(d)) {
    setCondition((d.status ??= {}), newCondition('Progressing', 'True', REASON_NEW_RS_CREATED, `Created new replica set "${created.metadata?.name ?? ''}"`, ctx.now()));
    statusChanged = true;
  }
  if (revisionChanged || statusChanged) await writeDeployment(ctx, d, revisionChanged);
  return created;
}
