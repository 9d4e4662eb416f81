// Job conditions: building them, setting one idempotently, and reading the terminal state
// (job_controller.go newCondition/ensureJobConditionStatus, pkg/controller/job/util).
import { formatTime } from '../../apimachinery/meta.js';
import { CONDITION_COMPLETE, CONDITION_FAILED, CONDITION_SUCCESS_CRITERIA_MET, type Job, type JobCondition } from './types.js';

export function newCondition(type: string, status: 'True' | 'False', reason: string, message: string, now: number): JobCondition {
  const at = formatTime(now);
  return { type, status, reason, message, lastProbeTime: at, lastTransitionTime: at };
}

export const findCondition = (list: JobCondition[] | undefined, type: string): JobCondition | undefined => (list ?? []).find((c) => c.type === type);

/**
 * Sets condition `type` to `status` with `reason`/`message`; a False condition is never added
 * where none existed. Returns the (possibly same) list and whether it changed.
 */
export function ensureCondition(list: JobCondition[] | undefined, type: string, status: 'True' | 'False', reason: string, message: string, now: number): { list: JobCondition[]; changed: boolean } {
  const conditions = [...(list ?? [])];
  const i = conditions.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = conditions[i]!;
    if (c.status === status && (c.reason ?? '') === reason && (c.message ?? '') === message) return { list: conditions, changed: false };
    conditions[i] = newCondition(type, status, reason, message, now);
    return { list: conditions, changed: true };
  }
  if (status === 'False') return { list: conditions, changed: false };
  return { list: [...conditions, newCondition(type, status, reason, message, now)], changed: true };
}

const isTrue = (job: Job, type: string): boolean => findCondition(job.status?.conditions, type)?.status === 'True';

/** Complete=True or Failed=True. */
export const isJobFinished = (job: Job): boolean => isTrue(job, CONDITION_COMPLETE) || isTrue(job, CONDITION_FAILED);
export const isJobSucceeded = (job: Job): boolean => isTrue(job, CONDITION_COMPLETE);

/** The terminal condition type (Complete or Failed) and when it was reached. */
export function finishedCondition(job: Job): { type: string; at?: number } | undefined {
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === CONDITION_COMPLETE || c.type === CONDITION_FAILED) && c.status === 'True') {
      return { type: c.type, at: c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined };
    }
  }
  return undefined;
}

export const successCriteriaMet = (job: Job): JobCondition | undefined => {
  const c = findCondition(job.status?.conditions, CONDITION_SUCCESS_CRITERIA_MET);
  return c?.status === 'True' ? c : undefined;
};
