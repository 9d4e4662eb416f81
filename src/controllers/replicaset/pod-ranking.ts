// Which surplus pods a ReplicaSet deletes first (controller_utils.go ActivePodsWithRanks, with the
// LogarithmicScaleDown and PodDeletionCost rules that are on by default in 1.32). The pods that
// are cheapest to lose come first: unassigned, not yet running, not ready, low deletion cost,
// doubled up on a node, recently ready, restarting, young.
import { isPodReady, podReadyTime, timeOf } from './pod-state.js';
import { POD_DELETION_COST_ANNOTATION, type Pod } from './types.js';

export interface RankedPod {
  pod: Pod;
  /** How many related pods (this ReplicaSet's and its siblings') share this pod's node. */
  rank: number;
}

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

const deletionCost = (pod: Pod): number => {
  const raw = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (raw === undefined) return 0;
  const n = Number(raw);
  return Number.isInteger(n) ? n : 0;
};

const maxRestarts = (pod: Pod): number => Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));

/** Go's afterOrZero: a missing time sorts first, otherwise the later time first. Returns <0 when a goes first. */
const afterOrZero = (a: number | undefined, b: number | undefined): number => {
  if (a === undefined || b === undefined) return a === undefined ? (b === undefined ? 0 : -1) : 1;
  return b - a;
};

/** Times whose age falls in the same power-of-two bucket count as equal (LogarithmicScaleDown). */
function logarithmicCompare(a: number | undefined, b: number | undefined, nowMs: number, uidA: string, uidB: string): number {
  if (a === undefined || b === undefined) return afterOrZero(a, b);
  const bucket = (t: number): number => {
    const ageNs = (nowMs - t) * 1e6;
    return ageNs > 0 ? Math.floor(Math.log2(ageNs)) : -1;
  };
  const diff = bucket(a) - bucket(b);
  if (diff !== 0) return diff;
  return uidA < uidB ? -1 : uidA > uidB ? 1 : 0;
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: RankedPod, b: RankedPod, nowMs: number): number {
  const nodeA = a.pod.spec?.nodeName ?? '';
  const nodeB = b.pod.spec?.nodeName ?? '';
  if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '' ? -1 : 1;
  const phaseA = PHASE_ORDER[a.pod.status?.phase ?? ''] ?? 0;
  const phaseB = PHASE_ORDER[b.pod.status?.phase ?? ''] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a.pod);
  const readyB = isPodReady(b.pod);
  if (readyA !== readyB) return readyA ? 1 : -1;
  const costA = deletionCost(a.pod);
  const costB = deletionCost(b.pod);
  if (costA !== costB) return costA - costB;
  if (a.rank !== b.rank) return b.rank - a.rank;
  const uidA = a.pod.metadata?.uid ?? '';
  const uidB = b.pod.metadata?.uid ?? '';
  if (readyA && readyB) {
    const ta = podReadyTime(a.pod);
    const tb = podReadyTime(b.pod);
    if (ta !== tb) {
      const c = logarithmicCompare(ta, tb, nowMs, uidA, uidB);
      if (c !== 0) return c;
    }
  }
  const restartsA = maxRestarts(a.pod);
  const restartsB = maxRestarts(b.pod);
  if (restartsA !== restartsB) return restartsB - restartsA;
  const ca = timeOf(a.pod.metadata?.creationTimestamp);
  const cb = timeOf(b.pod.metadata?.creationTimestamp);
  if (ca !== cb) return logarithmicCompare(ca, cb, nowMs, uidA, uidB);
  return 0;
}

/**
 * The `count` pods to delete out of `pods`: ranked by how many `related` pods (active pods of
 * this ReplicaSet and of ReplicaSets with the same owner) run on the same node, then sorted.
 */
export function podsToDelete(pods: Pod[], related: Pod[], count: number, nowMs: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const pod of related) {
    const node = pod.spec?.nodeName;
    if (node) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const ranked: RankedPod[] = pods.map((pod) => ({ pod, rank: pod.spec?.nodeName ? (perNode.get(pod.spec.nodeName) ?? 0) : 0 }));
  ranked.sort((a, b) => compareForDeletion(a, b, nowMs));
  return ranked.slice(0, count).map((r) => r.pod);
}
