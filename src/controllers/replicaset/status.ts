// A ReplicaSet's status from its active pods (replica_set_utils.go calculateStatus and
// updateReplicaSetStatus): counts, the ReplicaFailure condition, observedGeneration.
import { formatTime } from '../../apimachinery/meta.js';
import { isConflict } from '../../client/errors.js';
import { REPLICASETS } from '../../client/resources.js';
import type { Client } from '../../client/types.js';
import { isPodAvailable, isPodReady } from './pod-state.js';
import type { Pod, ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from './types.js';

export function calculateReplicaSetStatus(rs: ReplicaSet, activePods: Pod[], manageError: unknown, diff: number, nowMs: number): ReplicaSetStatus {
  const templateLabels = Object.entries(rs.spec?.template?.metadata?.labels ?? {});
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of activePods) {
    const labels = pod.metadata?.labels ?? {};
    if (templateLabels.every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, nowMs)) available++;
    }
  }
  let conditions = [...(rs.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageError !== undefined && !failure) {
    const reason = diff < 0 ? 'FailedCreate' : 'FailedDelete';
    const message = manageError instanceof Error ? manageError.message : String(manageError);
    const cond: ReplicaSetCondition = { type: 'ReplicaFailure', status: 'True', reason, message, lastTransitionTime: formatTime(nowMs) };
    conditions.push(cond);
  } else if (manageError === undefined && failure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  // Go's omitempty: only `replicas` is written when zero.
  const status: ReplicaSetStatus = { replicas: activePods.length };
  if (fullyLabeled > 0) status.fullyLabeledReplicas = fullyLabeled;
  if (ready > 0) status.readyReplicas = ready;
  if (available > 0) status.availableReplicas = available;
  if (rs.status?.observedGeneration !== undefined) status.observedGeneration = rs.status.observedGeneration;
  if (conditions.length > 0) status.conditions = conditions;
  return status;
}

const sameStatus = (rs: ReplicaSet, next: ReplicaSetStatus): boolean => {
  const cur: ReplicaSetStatus = rs.status ?? { replicas: 0 };
  return (
    (cur.replicas ?? 0) === next.replicas &&
    (cur.fullyLabeledReplicas ?? 0) === (next.fullyLabeledReplicas ?? 0) &&
    (cur.readyReplicas ?? 0) === (next.readyReplicas ?? 0) &&
    (cur.availableReplicas ?? 0) === (next.availableReplicas ?? 0) &&
    (rs.metadata?.generation ?? 0) === (cur.observedGeneration ?? 0) &&
    JSON.stringify(cur.conditions ?? []) === JSON.stringify(next.conditions ?? [])
  );
};

/**
 * Writes `status` (with observedGeneration = generation) through /status unless nothing changed.
 * On a conflict, retries once on a fresh copy. Returns the ReplicaSet as last written or read.
 */
export async function updateReplicaSetStatus(client: Pick<Client, 'get' | 'updateStatus'>, rs: ReplicaSet, status: ReplicaSetStatus): Promise<ReplicaSet> {
  if (sameStatus(rs, status)) return rs;
  let current = rs;
  for (let attempt = 0; ; attempt++) {
    const next: ReplicaSet = { ...structuredClone(current), status: { ...status, observedGeneration: current.metadata?.generation ?? 0 } };
    try {
      return await client.updateStatus<ReplicaSet>(REPLICASETS, current.metadata?.namespace, next);
    } catch (err) {
      if (attempt >= 1 || !isConflict(err)) throw err;
      current = await client.get<ReplicaSet>(REPLICASETS, current.metadata?.namespace, current.metadata?.name ?? '');
    }
  }
}
