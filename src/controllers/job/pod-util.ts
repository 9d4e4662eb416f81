// Pod predicates and orderings the Job controller shares with other workload controllers
// (pkg/controller/controller_utils.go, pkg/api/v1/pod, pkg/controller/job/backoff_utils.go).
import type { Pod } from './types.js';
import { JOB_TRACKING_FINALIZER } from './types.js';

const isTerminal = (p: Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** Not finished and not being deleted (FilterActivePods). */
export const isPodActive = (p: Pod): boolean => !isTerminal(p) && !p.metadata?.deletionTimestamp;

/** Being deleted but not finished yet (CountTerminatingPods). */
export const isPodTerminating = (p: Pod): boolean => !isTerminal(p) && !!p.metadata?.deletionTimestamp;

export const isPodReady = (p: Pod): boolean => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

export const hasTrackingFinalizer = (p: Pod): boolean => (p.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);

const ms = (t: string | undefined): number | undefined => (t ? Date.parse(t) : undefined);

/**
 * When the pod finished (getFinishedTime): the last container's termination, else the moment
 * Ready turned False, else the end of its deletion grace period, else its creation.
 */
export function podFinishedTime(p: Pod): number {
  const statuses = p.status?.containerStatuses ?? [];
  let fromContainers: number | undefined;
  for (const cs of statuses) {
    const finished = ms(cs.state?.terminated?.finishedAt);
    if (finished === undefined) {
      fromContainers = undefined;
      break;
    }
    fromContainers = fromContainers === undefined ? finished : Math.max(fromContainers, finished);
  }
  if (fromContainers !== undefined) return fromContainers;
  const notReady = (p.status?.conditions ?? []).find((c) => c.type === 'Ready' && c.status === 'False');
  const notReadyAt = ms(notReady?.lastTransitionTime);
  if (notReadyAt !== undefined) return notReadyAt;
  const deletion = ms(p.metadata?.deletionTimestamp);
  if (deletion !== undefined) return deletion + (p.metadata?.deletionGracePeriodSeconds ?? 0) * 1000;
  return ms(p.metadata?.creationTimestamp) ?? 0;
}

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

const readySince = (p: Pod): number | undefined => {
  const c = (p.status?.conditions ?? []).find((c) => c.type === 'Ready' && c.status === 'True');
  return ms(c?.lastTransitionTime);
};

const maxRestarts = (p: Pod): number => Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));

/** a after b, with a missing time counting as the latest of all (afterOrZero). */
const afterOrZero = (a: number | undefined, b: number | undefined): boolean => {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
};

/**
 * The order in which active pods are deleted first (controller.ActivePods): unscheduled before
 * scheduled, Pending < Unknown < Running, not ready before ready, ready for less time first,
 * more restarts first, newer first.
 */
export function compareForDeletion(a: Pod, b: Pod): number {
  const less = (x: Pod, y: Pod): boolean => {
    const nx = x.spec?.nodeName ?? '';
    const ny = y.spec?.nodeName ?? '';
    if (nx !== ny && (nx === '' || ny === '')) return nx === '';
    const px = PHASE_ORDER[x.status?.phase ?? ''] ?? 0;
    const py = PHASE_ORDER[y.status?.phase ?? ''] ?? 0;
    if (px !== py) return px < py;
    if (isPodReady(x) !== isPodReady(y)) return !isPodReady(x);
    if (isPodReady(x) && isPodReady(y)) {
      const rx = readySince(x);
      const ry = readySince(y);
      if (rx !== ry) return afterOrZero(rx, ry);
    }
    if (maxRestarts(x) !== maxRestarts(y)) return maxRestarts(x) > maxRestarts(y);
    const cx = ms(x.metadata?.creationTimestamp);
    const cy = ms(y.metadata?.creationTimestamp);
    if (cx !== cy) return afterOrZero(cx, cy);
    return false;
  };
  if (less(a, b)) return -1;
  if (less(b, a)) return 1;
  return 0;
}
