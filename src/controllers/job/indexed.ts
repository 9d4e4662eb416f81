// Indexed completion mode (pkg/controller/job/indexed_job_utils.go): each pod carries a
// completion index in [0, completions); the Job succeeds when every index has a succeeded pod,
// recorded compactly in status.completedIndexes ("0-2,5").
import { compareForDeletion, hasTrackingFinalizer } from './pod-util.js';
import { type Container, JOB_COMPLETION_INDEX_ANNOTATION, JOB_COMPLETION_INDEX_ENV, type Job, type Pod, type PodTemplateSpec } from './types.js';

export const UNKNOWN_INDEX = -1;

export const isIndexedJob = (job: Job): boolean => job.spec?.completionMode === 'Indexed';

/** The pod's completion index from its annotation, or UNKNOWN_INDEX. */
export function completionIndex(pod: Pod): number {
  const value = pod.metadata?.annotations?.[JOB_COMPLETION_INDEX_ANNOTATION];
  if (value === undefined || !/^[0-9]+$/.test(value)) return UNKNOWN_INDEX;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : UNKNOWN_INDEX;
}

/** "1,3-5" -> [1, 3, 4, 5], keeping only indexes below `completions`. */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    if (part === '') continue;
    const [first, last = first] = part.split('-').map(Number);
    if (!Number.isInteger(first) || !Number.isInteger(last)) continue;
    for (let i = first!; i <= last! && i < completions; i++) out.add(i);
  }
  return out;
}

/** [0, 1, 2, 5] -> "0-2,5". */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The indexes already recorded, and those plus succeeded pods not yet counted (still holding the finalizer). */
export function succeededIndexes(job: Job, pods: Pod[]): { previous: Set<number>; current: Set<number> } {
  const completions = job.spec?.completions ?? 0;
  const previous = parseIndexes(job.status?.completedIndexes, completions);
  const current = new Set(previous);
  for (const p of pods) {
    const ix = completionIndex(p);
    if (p.status?.phase === 'Succeeded' && ix !== UNKNOWN_INDEX && ix < completions && hasTrackingFinalizer(p)) current.add(ix);
  }
  return { previous, current };
}

/** The lowest `count` indexes that have neither succeeded nor an active pod. */
export function firstPendingIndexes(succeeded: Set<number>, activePods: Pod[], count: number, completions: number): number[] {
  const taken = new Set(succeeded);
  for (const p of activePods) taken.add(completionIndex(p));
  const result: number[] = [];
  for (let ix = 0; ix < completions && result.length < count; ix++) if (!taken.has(ix)) result.push(ix);
  return result;
}

/**
 * Active pods to remove because their index is unknown, out of range or repeated (of a
 * repeated index the pod deleted last in ActivePods order is kept); the rest stay.
 */
export function duplicateIndexPods(pods: Pod[], completions: number): { remove: Pod[]; keep: Pod[] } {
  const remove: Pod[] = [];
  const keep: Pod[] = [];
  const byIndex = new Map<number, Pod[]>();
  for (const p of pods) {
    const ix = completionIndex(p);
    if (ix === UNKNOWN_INDEX || ix >= completions) remove.push(p);
    else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
  }
  for (const ix of [...byIndex.keys()].sort((a, b) => a - b)) {
    const group = [...byIndex.get(ix)!].sort(compareForDeletion);
    remove.push(...group.slice(0, -1));
    keep.push(group[group.length - 1]!);
  }
  return { remove, keep };
}

const addIndexEnv = (c: Container): void => {
  if ((c.env ?? []).some((e) => e.name === JOB_COMPLETION_INDEX_ENV)) return;
  c.env = [...(c.env ?? []), { name: JOB_COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${JOB_COMPLETION_INDEX_ANNOTATION}']` } } }];
};

/** The template of the pod for `index`: annotation, label (PodIndexLabel), env in every container, hostname. */
export function withCompletionIndex(template: PodTemplateSpec, jobName: string, index: number): PodTemplateSpec {
  const t = structuredClone(template);
  const meta = (t.metadata ??= {});
  meta.annotations = { ...meta.annotations, [JOB_COMPLETION_INDEX_ANNOTATION]: String(index) };
  meta.labels = { ...meta.labels, [JOB_COMPLETION_INDEX_ANNOTATION]: String(index) };
  if (t.spec) {
    for (const c of t.spec.containers ?? []) addIndexEnv(c);
    for (const c of t.spec.initContainers ?? []) addIndexEnv(c);
    t.spec.hostname = `${jobName}-${index}`;
  }
  return t;
}

/** Longest generateName the apiserver leaves room for five random characters after. */
const MAX_GENERATED_NAME_LENGTH = 58;

/** "<job>-<index>-", the job name cut short when the whole would be too long. */
export function generateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > MAX_GENERATED_NAME_LENGTH ? jobName.slice(0, MAX_GENERATED_NAME_LENGTH - suffix.length) + suffix : prefix;
}
