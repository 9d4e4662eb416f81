// The taints the node lifecycle controller owns (k8s.io/api/core/v1 well_known_taints.go) and
// the pure decisions around them: which taints a node's conditions call for, how a node's taint
// list changes to match, and how long a pod tolerates a node's NoExecute taints.
import type { Node, NodeCondition, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { formatTime } from '../../apimachinery/meta.js';
import { toleratesTaint } from '../../scheduler/tolerations.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

/** Every taint this controller adds and removes; other taints on a node are never touched. */
const MANAGED = new Set([
  `${TAINT_NOT_READY}:NoExecute`,
  `${TAINT_UNREACHABLE}:NoExecute`,
  `${TAINT_NOT_READY}:NoSchedule`,
  `${TAINT_UNREACHABLE}:NoSchedule`,
  `${TAINT_UNSCHEDULABLE}:NoSchedule`,
  `${TAINT_MEMORY_PRESSURE}:NoSchedule`,
  `${TAINT_DISK_PRESSURE}:NoSchedule`,
  `${TAINT_PID_PRESSURE}:NoSchedule`,
  `${TAINT_NETWORK_UNAVAILABLE}:NoSchedule`,
]);

const taintId = (t: Taint): string => `${t.key}:${t.effect}`;

export const readyCondition = (node: Node): NodeCondition | undefined => node.status?.conditions?.find((c) => c.type === 'Ready');

/** "True", "False" or "Unknown" (a node with no Ready condition yet counts as Unknown). */
export const readyStatus = (node: Node): string => readyCondition(node)?.status ?? 'Unknown';

const conditionIs = (node: Node, type: string, status: string): boolean => node.status?.conditions?.some((c) => c.type === type && c.status === status) ?? false;

/**
 * The managed taints `node` should carry: NoExecute not-ready/unreachable from the Ready
 * condition (taint-based eviction), and the NoSchedule taints of TaintNodesByCondition.
 */
export function desiredManagedTaints(node: Node): Array<Pick<Taint, 'key' | 'effect'>> {
  const out: Array<Pick<Taint, 'key' | 'effect'>> = [];
  const ready = readyStatus(node);
  if (ready === 'False') out.push({ key: TAINT_NOT_READY, effect: 'NoExecute' }, { key: TAINT_NOT_READY, effect: 'NoSchedule' });
  if (ready === 'Unknown') out.push({ key: TAINT_UNREACHABLE, effect: 'NoExecute' }, { key: TAINT_UNREACHABLE, effect: 'NoSchedule' });
  if (node.spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  if (conditionIs(node, 'MemoryPressure', 'True')) out.push({ key: TAINT_MEMORY_PRESSURE, effect: 'NoSchedule' });
  if (conditionIs(node, 'DiskPressure', 'True')) out.push({ key: TAINT_DISK_PRESSURE, effect: 'NoSchedule' });
  if (conditionIs(node, 'PIDPressure', 'True')) out.push({ key: TAINT_PID_PRESSURE, effect: 'NoSchedule' });
  if (conditionIs(node, 'NetworkUnavailable', 'True')) out.push({ key: TAINT_NETWORK_UNAVAILABLE, effect: 'NoSchedule' });
  return out;
}

/**
 * The node's taints with the managed ones made to match `desired`, or undefined when nothing
 * changes. Unmanaged taints and the timeAdded of kept taints stay as they are; new NoExecute
 * taints get timeAdded = now.
 */
export function reconcileTaints(current: readonly Taint[] | undefined, desired: Array<Pick<Taint, 'key' | 'effect'>>, nowMs: number): Taint[] | undefined {
  const have = current ?? [];
  const want = new Set(desired.map(taintId));
  const kept = have.filter((t) => !MANAGED.has(taintId(t)) || want.has(taintId(t)));
  const present = new Set(kept.map(taintId));
  const added = desired
    .filter((t) => !present.has(taintId(t)))
    .map((t): Taint => (t.effect === 'NoExecute' ? { key: t.key, effect: t.effect, timeAdded: formatTime(nowMs) } : { key: t.key, effect: t.effect }));
  if (added.length === 0 && kept.length === have.length) return undefined;
  return [...kept, ...added];
}

export const noExecuteTaints = (node: Node | undefined): Taint[] => (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');

/**
 * How long a pod may stay on a node with these NoExecute taints (tainteviction's
 * getMatchingTolerations + getMinTolerationTime): 0 when some taint is not tolerated (evict now),
 * Infinity when every matching toleration is unbounded, else the smallest tolerationSeconds.
 */
export function tolerationSeconds(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): number {
  if (taints.length === 0) return Infinity;
  const used: Toleration[] = [];
  for (const taint of taints) {
    const matching = (tolerations ?? []).filter((t) => toleratesTaint(t, taint));
    if (matching.length === 0) return 0;
    used.push(...matching);
  }
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    min = Math.min(min, Math.max(0, t.tolerationSeconds));
  }
  return min;
}
