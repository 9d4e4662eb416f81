// Job /status validation: counters, terminal conditions and timestamps must stay coherent
// (ValidateJobUpdateStatus with the JobManagedBy-era checks, each run only when the fields it
// looks at changed, as Kubernetes does so a controller can repair older objects).
import { ErrorList, root } from '../../../../apimachinery/field.js';
import { validateNonNegative } from '../../apps/workload.js';
import { invalidOmitValue, semanticEqual } from '../field-helpers.js';
import type { Job } from './strategy.js';


const isTrue = (job: Job, type: string): boolean => (job.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
const isComplete = (job: Job): boolean => isTrue(job, 'Complete');
const isFailed = (job: Job): boolean => isTrue(job, 'Failed');
export const isJobFinished = (job: Job): boolean => isComplete(job) || isFailed(job);

export function validateJobStatusUpdate(job: Job, old: Job): ErrorList {
  const errs = new ErrorList();
  const status = job.status ?? {};
  const oldStatus = old.status ?? {};
  const path = root('status');
  for (const key of ['active', 'succeeded', 'failed', 'ready', 'terminating'] as const) {
    validateNonNegative(status[key], path.child(key), errs);
  }
  const uncounted = status.uncountedTerminatedPods;
  if (uncounted) {
    const seen = new Set<string>();
    for (const kind of ['succeeded', 'failed'] as const) {
      (uncounted[kind] ?? []).forEach((uid, i) => {
        const p = path.child('uncountedTerminatedPods', kind).index(i);
        if (uid === '') errs.invalid(p, uid, 'must not be empty');
        else if (seen.has(uid)) errs.duplicate(p, uid);
        else seen.add(uid);
      });
    }
  }
  const finished = isJobFinished(job);
  const finishedChanged = isJobFinished(old) !== finished;
  const completeChanged = isComplete(old) !== isComplete(job);
  const failedChanged = isFailed(old) !== isFailed(job);
  const startChanged = status.startTime !== oldStatus.startTime;
  const completionChanged = status.completionTime !== oldStatus.completionTime;
  const conditionsPath = path.child('conditions');

  if ((completeChanged || failedChanged) && isComplete(job) && isFailed(job)) {
    errs.add(invalidOmitValue(conditionsPath, 'cannot set Complete=True and Failed=true conditions'));
  }
  if ((completeChanged || completionChanged) && status.completionTime && !isComplete(job)) {
    errs.invalid(path.child('completionTime'), status.completionTime, 'cannot set completionTime when there is no Complete=True condition');
  }
  if ((completeChanged || completionChanged) && !status.completionTime && isComplete(job)) {
    errs.required(path.child('completionTime'), 'completionTime is required for Complete jobs');
  }
  if ((startChanged || completionChanged) && status.startTime && status.completionTime && Date.parse(status.completionTime) < Date.parse(status.startTime)) {
    errs.invalid(path.child('completionTime'), status.completionTime, 'completionTime cannot be set before startTime');
  }
  if ((finishedChanged || status.active !== oldStatus.active) && (status.active ?? 0) > 0 && finished) {
    errs.invalid(path.child('active'), status.active, 'active>0 is invalid for finished job');
  }
  if ((finishedChanged || startChanged) && !status.startTime && finished) {
    errs.required(path.child('startTime'), 'startTime is required for finished job');
  }
  const uncountedChanged = !semanticEqual(uncounted, oldStatus.uncountedTerminatedPods);
  if ((finishedChanged || uncountedChanged) && finished && (uncounted?.succeeded?.length ?? 0) + (uncounted?.failed?.length ?? 0) > 0) {
    errs.invalid(path.child('uncountedTerminatedPods'), uncounted, 'uncountedTerminatedPods needs to be empty for finished job');
  }
  for (const type of ['Failed', 'Complete', 'FailureTarget']) {
    if (isTrue(old, type) && !isTrue(job, type)) errs.add(invalidOmitValue(conditionsPath, `cannot disable the terminal ${type}=True condition`));
  }
  if ((status.failed ?? 0) < (oldStatus.failed ?? 0)) errs.invalid(path.child('failed'), status.failed ?? 0, 'cannot decrease the failed counter');
  // Elastic Indexed Jobs (completions == parallelism) may scale down and lose successes.
  const spec = job.spec ?? {};
  const elastic = spec.completionMode === 'Indexed' && spec.completions === spec.parallelism;
  if (!elastic && (status.succeeded ?? 0) < (oldStatus.succeeded ?? 0)) {
    errs.invalid(path.child('succeeded'), status.succeeded ?? 0, 'cannot decrease the succeeded counter');
  }
  if (status.completionTime && oldStatus.completionTime && status.completionTime !== oldStatus.completionTime) {
    errs.invalid(path.child('completionTime'), status.completionTime, 'completionTime cannot be mutated');
  }
  if (oldStatus.startTime && status.startTime !== oldStatus.startTime && spec.suspend !== true) {
    errs.required(path.child('startTime'), 'startTime cannot be removed for unsuspended job');
  }
  return errs;
}
