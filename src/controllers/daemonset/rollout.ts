// Decisions of one DaemonSet sync over the nodes, as pure functions: what to create and delete
// to have one pod per eligible node (manage), which old pods a RollingUpdate may replace now
// (rollingUpdate, maxUnavailable only), and the status counts (updateDaemonSetStatus).
import { isPodAvailable, isPodReady } from '../replicaset/pod-state.js';
import type { Placement } from './predicates.js';
import { CONTROLLER_REVISION_HASH_LABEL, type DaemonSet, type DaemonSetStatus, type Pod } from './types.js';

export interface NodeState {
  name: string;
  placement: Placement;
  /** The DaemonSet's pods on (or pinned to) this node, oldest first. */
  pods: Pod[];
}

export interface Plan {
  /** Nodes that need a pod. */
  create: string[];
  delete: Pod[];
}

const isDeleting = (pod: Pod): boolean => Boolean(pod.metadata?.deletionTimestamp);
const isFailed = (pod: Pod): boolean => pod.status?.phase === 'Failed';
export const isUpdated = (pod: Pod, hash: string): boolean => pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;

/** Oldest first, then by name, as upstream's ActivePods ordering breaks ties. */
export function byAge(a: Pod, b: Pod): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
}

/** One pod per node that should run one; none where it should not; failed and duplicate pods go. */
export function planManage(nodes: NodeState[]): Plan {
  const plan: Plan = { create: [], delete: [] };
  for (const node of nodes) {
    const live = node.pods.filter((p) => !isDeleting(p));
    if (!node.placement.shouldContinueRunning) {
      plan.delete.push(...live);
      continue;
    }
    const failed = live.filter(isFailed);
    plan.delete.push(...failed);
    const healthy = live.filter((p) => !isFailed(p));
    // A failed or terminating pod holds the node's slot: its replacement comes once it is gone.
    const terminating = node.pods.some(isDeleting);
    if (live.length === 0 && node.placement.shouldRun && !terminating) plan.create.push(node.name);
    if (healthy.length > 1) plan.delete.push(...healthy.slice(1));
  }
  return plan;
}

/** The maxUnavailable of a RollingUpdate as a number of nodes (percentages round up; at least 1). */
export function resolveMaxUnavailable(value: number | string | undefined, desired: number): number {
  if (value === undefined) return 1;
  let n: number;
  if (typeof value === 'number') n = value;
  else if (value.endsWith('%')) n = Math.ceil((Number(value.slice(0, -1)) * desired) / 100);
  else n = Number(value);
  if (!Number.isFinite(n)) return 1;
  return Math.max(1, n);
}

/**
 * Old pods to delete now: every unavailable old pod (replacing it loses nothing), then available
 * old pods while fewer than maxUnavailable nodes are without an available pod.
 */
export function planRollingUpdate(ds: DaemonSet, nodes: NodeState[], hash: string, nowMs: number): Pod[] {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const running = nodes.filter((n) => n.placement.shouldRun);
  const maxUnavailable = resolveMaxUnavailable(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable, running.length);
  let unavailable = 0;
  const replaceNow: Pod[] = [];
  const candidates: Pod[] = [];
  for (const node of running) {
    const live = node.pods.filter((p) => !isDeleting(p));
    const fresh = live.filter((p) => isUpdated(p, hash));
    const old = live.filter((p) => !isUpdated(p, hash));
    if (live.length === 0 || node.pods.some(isDeleting)) {
      unavailable++;
      continue;
    }
    if (fresh.length > 0) {
      if (!fresh.some((p) => isPodAvailable(p, minReady, nowMs))) unavailable++;
      continue;
    }
    const oldPod = old[0]!;
    if (isPodAvailable(oldPod, minReady, nowMs)) candidates.push(oldPod);
    else replaceNow.push(oldPod);
  }
  const budget = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.length));
  return [...replaceNow, ...candidates.slice(0, budget)];
}

export function computeStatus(ds: DaemonSet, nodes: NodeState[], hash: string, nowMs: number): DaemonSetStatus {
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const status: DaemonSetStatus = {
    currentNumberScheduled: 0,
    desiredNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    numberAvailable: 0,
    updatedNumberScheduled: 0,
    observedGeneration: ds.metadata?.generation ?? 0,
  };
  for (const node of nodes) {
    const pods = node.pods;
    if (!node.placement.shouldRun) {
      if (pods.length > 0) status.numberMisscheduled++;
      continue;
    }
    status.desiredNumberScheduled++;
    if (pods.length === 0) continue;
    status.currentNumberScheduled++;
    const pod = pods[0]!;
    if (isPodReady(pod)) {
      status.numberReady++;
      if (isPodAvailable(pod, minReady, nowMs)) status.numberAvailable!++;
    }
    if (pods.some((p) => isUpdated(p, hash))) status.updatedNumberScheduled!++;
  }
  status.numberUnavailable = status.desiredNumberScheduled - status.numberAvailable!;
  if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount;
  if (ds.status?.conditions) status.conditions = ds.status.conditions;
  return status;
}
