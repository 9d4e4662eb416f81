// Replica arithmetic of a rollout (deployment_util.go): surge and unavailability bounds, sums
// over ReplicaSets, saturation, proportional shares, and the desired/max-replicas annotations.
import { timeOf } from '../replicaset/pod-state.js';
import { DESIRED_REPLICAS_ANNOTATION, type Deployment, MAX_REPLICAS_ANNOTATION, type ReplicaSet } from './types.js';

export const specReplicas = (obj: { spec?: { replicas?: number } } | undefined): number => obj?.spec?.replicas ?? 1;
const rsReplicas = (rs: ReplicaSet): number => rs.spec?.replicas ?? 0;

/** An int-or-percent against a total: percentages round up for surge, down for unavailability. */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean, fallback: string): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const percent = Number(v.endsWith('%') ? v.slice(0, -1) : v);
  if (!Number.isFinite(percent)) return 0;
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export const isRollingUpdate = (d: Deployment): boolean => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

/** ResolveFenceposts: both zero would never progress, so unavailability becomes 1. */
export function resolveFenceposts(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const rolling = d.spec?.strategy?.rollingUpdate;
  const desired = specReplicas(d);
  const maxSurge = scaledValue(rolling?.maxSurge, desired, true, '25%');
  let maxUnavailable = scaledValue(rolling?.maxUnavailable, desired, false, '25%');
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export const maxSurge = (d: Deployment): number => (isRollingUpdate(d) ? resolveFenceposts(d).maxSurge : 0);

export function maxUnavailable(d: Deployment): number {
  const desired = specReplicas(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d).maxUnavailable, desired);
}

const sum = (rss: Array<ReplicaSet | undefined>, of: (rs: ReplicaSet) => number): number =>
  rss.reduce((n, rs) => n + (rs ? of(rs) : 0), 0);

/** Sum of spec.replicas. */
export const replicaCount = (rss: Array<ReplicaSet | undefined>): number => sum(rss, rsReplicas);
/** Sum of status.replicas (pods that exist). */
export const actualReplicaCount = (rss: Array<ReplicaSet | undefined>): number => sum(rss, (rs) => rs.status?.replicas ?? 0);
export const readyReplicaCount = (rss: Array<ReplicaSet | undefined>): number => sum(rss, (rs) => rs.status?.readyReplicas ?? 0);
export const availableReplicaCount = (rss: Array<ReplicaSet | undefined>): number => sum(rss, (rs) => rs.status?.availableReplicas ?? 0);

export const filterActive = (rss: Array<ReplicaSet | undefined>): ReplicaSet[] => rss.filter((rs): rs is ReplicaSet => rs !== undefined && rsReplicas(rs) > 0);

const created = (rs: ReplicaSet): number => timeOf(rs.metadata?.creationTimestamp) ?? 0;
const byName = (a: ReplicaSet, b: ReplicaSet): number => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : (a.metadata?.name ?? '') > (b.metadata?.name ?? '') ? 1 : 0);

/** Oldest first; ties by name (controller.ReplicaSetsByCreationTimestamp). */
export const byCreation = (a: ReplicaSet, b: ReplicaSet): number => created(a) - created(b) || byName(a, b);
/** Largest first; ties oldest first (ReplicaSetsBySizeOlder: scale down old ones first). */
export const bySizeOlder = (a: ReplicaSet, b: ReplicaSet): number => rsReplicas(b) - rsReplicas(a) || byCreation(a, b);
/** Largest first; ties newest first (ReplicaSetsBySizeNewer: scale up new ones first). */
export const bySizeNewer = (a: ReplicaSet, b: ReplicaSet): number => rsReplicas(b) - rsReplicas(a) || byCreation(b, a);

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const raw = rs.metadata?.annotations?.[key];
  if (raw === undefined || !/^-?\d+$/.test(raw)) return undefined;
  return Number(raw);
}

export const desiredReplicasAnnotation = (rs: ReplicaSet): number | undefined => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations;
  return !a || a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** Sets both annotations on `rs` (a copy the caller owns); true when something changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const meta = (rs.metadata ??= {});
  const annotations = (meta.annotations ??= {});
  let changed = false;
  for (const [key, value] of [[DESIRED_REPLICAS_ANNOTATION, String(desired)], [MAX_REPLICAS_ANNOTATION, String(max)]] as const) {
    if (annotations[key] !== value) {
      annotations[key] = value;
      changed = true;
    }
  }
  return changed;
}

/** The new ReplicaSet runs the full count, knows it, and all of it is available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  return desired !== undefined && rsReplicas(rs) === specReplicas(d) && desired === specReplicas(d) && (rs.status?.availableReplicas ?? 0) === specReplicas(d);
}

/** The only active ReplicaSet, or the newest when none is active; undefined when several are active. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = filterActive([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** Go's integer.RoundToInt32: halves away from zero. */
const roundHalfAway = (x: number): number => (x < 0 ? Math.ceil(x - 0.5) : Math.floor(x + 0.5));

/** How many replicas `rs` should gain (or lose, when negative) of the `toAdd` the Deployment must change by. */
export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (specReplicas(d) === 0) return -rsReplicas(rs);
  const deploymentReplicas = specReplicas(d) + maxSurge(d);
  const annotated = intAnnotation(rs, MAX_REPLICAS_ANNOTATION) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return roundHalfAway((rsReplicas(rs) * deploymentReplicas) / annotated) - rsReplicas(rs);
}

/** How big the new ReplicaSet may be now (NewRSNewReplicas): within maxSurge for RollingUpdate, all at once for Recreate. */
export function newRSNewReplicas(d: Deployment, allRSs: Array<ReplicaSet | undefined>, newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return specReplicas(d);
  const current = replicaCount(allRSs);
  const maxTotal = specReplicas(d) + maxSurge(d);
  if (current >= maxTotal) return rsReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, specReplicas(d) - rsReplicas(newRS));
  return rsReplicas(newRS) + scaleUp;
}
