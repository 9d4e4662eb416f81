// syncJob: one level-triggered pass over a Job (job_controller.go syncJob): count its pods,
// decide whether it has failed (backoff limit, deadline) or succeeded, otherwise create or
// delete pods, then record the outcome in its status.
import { formatTime, splitMetaNamespaceKey } from '../../apimachinery/meta.js';
import { isNotFound } from '../../client/errors.js';
import { ensureCondition, findCondition, isJobFinished, newCondition, successCriteriaMet } from './conditions.js';
import { claimPods } from './claim.js';
import type { JobSyncDeps } from './deps.js';
import { completionIndex, isIndexedJob, succeededIndexes } from './indexed.js';
import { manageJob } from './manage.js';
import { hasTrackingFinalizer, isPodActive, isPodReady, isPodTerminating } from './pod-util.js';
import type { SyncContext } from './sync-context.js';
import { isPodFailed, trackJobStatusAndRemoveFinalizers } from './tracking.js';
import {
  CONDITION_FAILED,
  CONDITION_FAILURE_TARGET,
  CONDITION_SUCCESS_CRITERIA_MET,
  CONDITION_SUSPENDED,
  MESSAGE_BACKOFF_LIMIT_EXCEEDED,
  MESSAGE_COMPLETIONS_REACHED,
  MESSAGE_DEADLINE_EXCEEDED,
  REASON_BACKOFF_LIMIT_EXCEEDED,
  REASON_COMPLETIONS_REACHED,
  REASON_DEADLINE_EXCEEDED,
  type Job,
  type Pod,
} from './types.js';

/** The value of spec.managedBy that means "this controller". */
export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

const isSuspended = (job: Job): boolean => job.spec?.suspend === true;

/** Pods that finished since the last count: still holding the finalizer and not already uncounted. */
function newFinishedPods(ctx: SyncContext): { succeeded: Pod[]; failed: Pod[] } {
  const valid = (p: Pod, uncounted: Set<string>): boolean => {
    const uid = p.metadata?.uid ?? '';
    if (!hasTrackingFinalizer(p) || uncounted.has(uid) || ctx.expectedRmFinalizers.has(uid)) return false;
    if (isIndexedJob(ctx.job)) {
      const ix = completionIndex(p);
      if (ix < 0 || ix >= (ctx.job.spec?.completions ?? 0)) return false;
    }
    return true;
  };
  return {
    succeeded: ctx.pods.filter((p) => valid(p, ctx.uncounted.succeeded) && p.status?.phase === 'Succeeded'),
    failed: ctx.pods.filter((p) => valid(p, ctx.uncounted.failed) && isPodFailed(p, ctx.job)),
  };
}

/** restartPolicy OnFailure: container restarts of running pods count against the backoff limit. */
function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += s.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

function pastActiveDeadline(deps: JobSyncDeps, job: Job): boolean {
  const deadline = job.spec?.activeDeadlineSeconds;
  const start = job.status?.startTime;
  if (deadline === undefined || deadline === null || !start || isSuspended(job)) return false;
  return deps.clock.now() - Date.parse(start) >= deadline * 1000;
}

/** Interim conditions: the terminal one follows once every pod is counted and gone. */
const failureCondition = (deps: JobSyncDeps, reason: string, message: string) => newCondition(CONDITION_FAILURE_TARGET, 'True', reason, message, deps.clock.now());
const successCondition = (deps: JobSyncDeps) => newCondition(CONDITION_SUCCESS_CRITERIA_MET, 'True', REASON_COMPLETIONS_REACHED, MESSAGE_COMPLETIONS_REACHED, deps.clock.now());

export async function syncJob(deps: JobSyncDeps, key: string): Promise<void> {
  const { namespace, name } = splitMetaNamespaceKey(key);
  if (!namespace || !name) throw new Error(`invalid job key ${JSON.stringify(key)}: either namespace or name is missing`);
  const shared = deps.jobs.namespace(namespace).get(name);
  if (!shared) {
    deps.expectations.delete(key);
    deps.finalizerExpectations.delete(key);
    deps.backoff.remove(key);
    return;
  }
  if (shared.spec?.managedBy && shared.spec.managedBy !== JOB_CONTROLLER_NAME) return;
  const job: Job = structuredClone(shared);
  if (isJobFinished(job)) {
    deps.backoff.remove(key);
    return;
  }
  const mode = job.spec?.completionMode;
  if (mode && mode !== 'NonIndexed' && mode !== 'Indexed') {
    deps.recorder.event(job, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
    return;
  }
  const status = (job.status ??= {});
  status.uncountedTerminatedPods ??= {};

  // Read before the pods, so a pod created meanwhile defers this sync instead of being missed.
  const satisfiedExpectations = deps.expectations.satisfied(key);
  const pods = await claimPods(deps, job);
  const activePods = pods.filter(isPodActive);
  const ctx: SyncContext = {
    key,
    job,
    pods,
    activePods,
    succeeded: 0,
    failed: 0,
    newBackoffRecord: { key, failuresAfterLastSuccess: 0 },
    expectedRmFinalizers: deps.finalizerExpectations.expectedUids(key),
    uncounted: { succeeded: new Set(status.uncountedTerminatedPods.succeeded ?? []), failed: new Set(status.uncountedTerminatedPods.failed ?? []) },
    terminating: pods.filter(isPodTerminating).length,
    ready: activePods.filter(isPodReady).length,
  };
  let active = activePods.length;
  const fresh = newFinishedPods(ctx);
  ctx.succeeded = (status.succeeded ?? 0) + fresh.succeeded.length + ctx.uncounted.succeeded.size;
  ctx.failed = (status.failed ?? 0) + fresh.failed.length + ctx.uncounted.failed.size;

  if (!status.startTime && !isSuspended(job)) status.startTime = formatTime(deps.clock.now());
  ctx.newBackoffRecord = deps.backoff.next(key, fresh.succeeded, fresh.failed);

  const exceedsBackoffLimit = ctx.failed > (job.spec?.backoffLimit ?? 6);
  const met = successCriteriaMet(job);
  if (met) ctx.finishedCondition = { ...met };
  if (!ctx.finishedCondition) {
    const target = findCondition(status.conditions, CONDITION_FAILURE_TARGET);
    if (target?.status === 'True') ctx.finishedCondition = newCondition(CONDITION_FAILED, 'True', target.reason ?? '', target.message ?? '', deps.clock.now());
  }
  if (!ctx.finishedCondition) {
    if (exceedsBackoffLimit || pastBackoffLimitOnFailure(job, pods)) {
      ctx.finishedCondition = failureCondition(deps, REASON_BACKOFF_LIMIT_EXCEEDED, MESSAGE_BACKOFF_LIMIT_EXCEEDED);
    } else if (pastActiveDeadline(deps, job)) {
      ctx.finishedCondition = failureCondition(deps, REASON_DEADLINE_EXCEEDED, MESSAGE_DEADLINE_EXCEEDED);
    } else if (job.spec?.activeDeadlineSeconds !== undefined && job.spec.activeDeadlineSeconds !== null && !isSuspended(job) && status.startTime) {
      deps.enqueueAfter(key, job.spec.activeDeadlineSeconds * 1000 - (deps.clock.now() - Date.parse(status.startTime)));
    }
  }
  if (isIndexedJob(job)) {
    const { previous, current } = succeededIndexes(job, pods);
    ctx.prevSucceededIndexes = previous;
    ctx.succeededIndexes = current;
    ctx.succeeded = current.size;
  }

  let suspendChanged = false;
  let manageError: unknown;
  if (ctx.finishedCondition) {
    // Failing or succeeded: stop whatever still runs.
    let deleted = 0;
    let deletedReady = 0;
    await Promise.all(
      activePods.map(async (pod) => {
        try {
          await deps.podControl.deletePod(job, pod);
        } catch (err) {
          if (!isNotFound(err)) {
            manageError ??= err;
            return;
          }
        }
        deleted++;
        if (isPodReady(pod)) deletedReady++;
      }),
    );
    // Not finished yet while pods may still hold finalizers or be missing from the cache.
    if (deleted !== active || !satisfiedExpectations) ctx.finishedCondition = undefined;
    active -= deleted;
    ctx.terminating += deleted;
    ctx.ready -= deletedReady;
  } else {
    let manageCalled = false;
    if (satisfiedExpectations && !job.metadata?.deletionTimestamp) {
      const r = await manageJob(deps, ctx);
      active = r.active;
      manageError = r.error;
      manageCalled = true;
    }
    const completions = job.spec?.completions;
    const complete =
      completions === undefined || completions === null ? ctx.succeeded > 0 && active === 0 : ctx.succeeded >= completions && active === 0;
    if (complete) {
      ctx.finishedCondition = successCondition(deps);
    } else if (manageCalled) {
      const now = deps.clock.now();
      if (isSuspended(job)) {
        const r = ensureCondition(status.conditions, CONDITION_SUSPENDED, 'True', 'JobSuspended', 'Job suspended', now);
        if (r.changed) {
          status.conditions = r.list;
          suspendChanged = true;
          deps.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
        }
        // A suspended Job with nothing left running has not started: the apiserver refuses a
        // new startTime on resume unless the old one is gone.
        if (status.startTime && active === 0 && ctx.terminating === 0) {
          delete status.startTime;
          suspendChanged = true;
        }
      } else {
        const r = ensureCondition(status.conditions, CONDITION_SUSPENDED, 'False', 'JobResumed', 'Job resumed', now);
        if (r.changed) {
          status.conditions = r.list;
          suspendChanged = true;
          deps.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
          // activeDeadlineSeconds counts continuous activity: the clock restarts on resume.
          status.startTime = formatTime(now);
        }
      }
    }
  }

  const needsStatusUpdate = suspendChanged || active !== (status.active ?? 0) || ctx.ready !== status.ready || ctx.terminating !== status.terminating;
  status.active = active;
  status.ready = ctx.ready;
  status.terminating = ctx.terminating;
  await trackJobStatusAndRemoveFinalizers(deps, ctx, needsStatusUpdate);
  if (manageError !== undefined) throw manageError;
}
