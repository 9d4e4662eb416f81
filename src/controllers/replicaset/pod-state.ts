// What a controller needs to know about a pod's state (k8s.io/kubernetes/pkg/api/v1/pod util and
// controller_utils.go): active, ready, available for minReadySeconds.
import type { Pod, PodCondition } from './types.js';

/** Not finished (Succeeded/Failed) and not being deleted: the pods a ReplicaSet counts. */
export const isPodActive = (pod: Pod): boolean =>
  pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed' && !pod.metadata?.deletionTimestamp;

export const podReadyCondition = (pod: Pod): PodCondition | undefined => pod.status?.conditions?.find((c) => c.type === 'Ready');

export const isPodReady = (pod: Pod): boolean => podReadyCondition(pod)?.status === 'True';

/** When the pod last became ready, in ms since the epoch; undefined when not ready or unknown. */
export function podReadyTime(pod: Pod): number | undefined {
  const cond = podReadyCondition(pod);
  if (cond?.status !== 'True' || !cond.lastTransitionTime) return undefined;
  const t = Date.parse(cond.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

/** Ready, and (with minReadySeconds) ready for longer than that (podutil.IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadyTime(pod);
  return since !== undefined && since + minReadySeconds * 1000 < nowMs;
}

/** Milliseconds until a ready pod becomes available; 0 when it already is or is not ready. */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, nowMs: number): number {
  const since = podReadyTime(pod);
  if (since === undefined || minReadySeconds <= 0) return 0;
  return Math.max(0, since + minReadySeconds * 1000 - nowMs);
}

export const timeOf = (rfc3339: string | undefined): number | undefined => {
  if (!rfc3339) return undefined;
  const t = Date.parse(rfc3339);
  return Number.isNaN(t) ? undefined : t;
};
