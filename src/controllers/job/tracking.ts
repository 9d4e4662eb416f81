// Counting finished pods exactly once (trackJobStatusAndRemoveFinalizers): a finished pod still
// holding the tracking finalizer is first written to status.uncountedTerminatedPods, then its
// finalizer is removed, then it moves from that list into succeeded/failed. A crash between any
// two steps leaves enough in the status to finish the move later without counting twice.
import { formatTime } from '../../apimachinery/meta.js';
import { isNotFound } from '../../client/errors.js';
import { JOBS } from '../../client/resources.js';
import { ensureCondition, newCondition, successCriteriaMet } from './conditions.js';
import type { JobSyncDeps } from './deps.js';
import { UNKNOWN_INDEX, completionIndex, formatIndexes, isIndexedJob } from './indexed.js';
import { hasTrackingFinalizer } from './pod-util.js';
import { removeTrackingFinalizerPatch } from './pod-control.js';
import type { SyncContext } from './sync-context.js';
import {
  CONDITION_COMPLETE,
  CONDITION_FAILED,
  CONDITION_FAILURE_TARGET,
  CONDITION_SUCCESS_CRITERIA_MET,
  type Job,
  type JobStatus,
  type Pod,
} from './types.js';

/** Failed, or (unless only failed pods are replaced) deleted before it succeeded. */
export function isPodFailed(p: Pod, job: Job): boolean {
  if (p.status?.phase === 'Failed') return true;
  if (job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy) return false;
  return !!p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded';
}

const isSuccessCriteriaMet = (c: SyncContext['finishedCondition']): boolean => c?.type === CONDITION_SUCCESS_CRITERIA_MET;

async function updateStatus(deps: JobSyncDeps, job: Job): Promise<Job> {
  return deps.client.updateStatus<Job>(JOBS, job.metadata?.namespace, job);
}

/** Moves uncounted UIDs whose pods no longer hold the finalizer into the counters. */
function cleanUncounted(status: JobStatus, uidsWithFinalizer: Set<string>): boolean {
  const uncounted = (status.uncountedTerminatedPods ??= {});
  let changed = false;
  const keep = (uids: string[] | undefined): string[] => (uids ?? []).filter((uid) => uidsWithFinalizer.has(uid));
  const succeeded = keep(uncounted.succeeded);
  if (succeeded.length !== (uncounted.succeeded ?? []).length) {
    status.succeeded = (status.succeeded ?? 0) + (uncounted.succeeded ?? []).length - succeeded.length;
    uncounted.succeeded = succeeded;
    changed = true;
  }
  const failed = keep(uncounted.failed);
  if (failed.length !== (uncounted.failed ?? []).length) {
    status.failed = (status.failed ?? 0) + (uncounted.failed ?? []).length - failed.length;
    uncounted.failed = failed;
    changed = true;
  }
  if (uncounted.succeeded?.length === 0) delete uncounted.succeeded;
  if (uncounted.failed?.length === 0) delete uncounted.failed;
  return changed;
}

/** May the pod's finalizer go now (canRemoveFinalizer, without backoffLimitPerIndex)? */
const canRemoveFinalizer = (ctx: SyncContext, pod: Pod, consideredFailed: boolean): boolean =>
  !!ctx.job.metadata?.deletionTimestamp || ctx.finishedCondition !== undefined || pod.status?.phase === 'Succeeded' || consideredFailed;

export async function trackJobStatusAndRemoveFinalizers(deps: JobSyncDeps, ctx: SyncContext, needsFlushIn: boolean): Promise<void> {
  let needsFlush = needsFlushIn;
  const indexed = isIndexedJob(ctx.job);
  const completions = ctx.job.spec?.completions ?? 0;
  const status = (ctx.job.status ??= {});
  const uncountedStatus = (status.uncountedTerminatedPods ??= {});
  const pods = indexed ? [...ctx.pods].sort((a, b) => completionIndex(a) - completionIndex(b)) : ctx.pods;

  const uidsWithFinalizer = new Set<string>();
  for (const p of pods) {
    const uid = p.metadata?.uid ?? '';
    if (hasTrackingFinalizer(p) && !ctx.expectedRmFinalizers.has(uid)) uidsWithFinalizer.add(uid);
  }
  if (cleanUncounted(status, uidsWithFinalizer)) needsFlush = true;

  const toRemoveFinalizer: Pod[] = [];
  const newSucceededIndexes: number[] = [];
  let reachedMaxUncounted = false;
  for (const pod of pods) {
    const uid = pod.metadata?.uid ?? '';
    if (!hasTrackingFinalizer(pod) || ctx.expectedRmFinalizers.has(uid)) continue; // handled before
    const consideredFailed = isPodFailed(pod, ctx.job);
    if (!canRemoveFinalizer(ctx, pod, consideredFailed)) continue;
    toRemoveFinalizer.push(pod);
    if (pod.status?.phase === 'Succeeded' && !ctx.uncounted.failed.has(uid)) {
      if (indexed) {
        const ix = completionIndex(pod);
        if (ix !== UNKNOWN_INDEX && ix < completions && !ctx.prevSucceededIndexes?.has(ix)) {
          newSucceededIndexes.push(ix);
          needsFlush = true;
        }
      } else if (!ctx.uncounted.succeeded.has(uid)) {
        needsFlush = true;
        (uncountedStatus.succeeded ??= []).push(uid);
      }
    } else if (consideredFailed || (ctx.finishedCondition !== undefined && !isSuccessCriteriaMet(ctx.finishedCondition))) {
      // Once the Job is failing, every pod not yet finished counts as failed.
      const ix = completionIndex(pod);
      if (!ctx.uncounted.failed.has(uid) && (!indexed || (ix !== UNKNOWN_INDEX && ix < completions))) {
        needsFlush = true;
        (uncountedStatus.failed ??= []).push(uid);
      }
    }
    if (newSucceededIndexes.length + (uncountedStatus.succeeded?.length ?? 0) + (uncountedStatus.failed?.length ?? 0) >= deps.config.maxUncountedPods) {
      // Keep the status small and this sync short; the status update brings the Job back.
      reachedMaxUncounted = true;
      break;
    }
  }
  if (indexed) {
    const all = new Set([...(ctx.succeededIndexes ?? []), ...newSucceededIndexes]);
    ctx.succeededIndexes = all;
    const text = formatIndexes(all);
    if (text !== (status.completedIndexes ?? '')) needsFlush = true;
    status.succeeded = all.size;
    if (text) status.completedIndexes = text;
    else delete status.completedIndexes; // omitempty, as the API writes it
  }

  const now = deps.clock.now();
  if (ctx.finishedCondition?.type === CONDITION_FAILURE_TARGET) {
    // Record the interim FailureTarget before any finalizer goes, so the outcome survives a crash.
    const c = ctx.finishedCondition;
    status.conditions = [...(status.conditions ?? []), c];
    needsFlush = true;
    ctx.finishedCondition = newCondition(CONDITION_FAILED, 'True', c.reason ?? '', c.message ?? '', now);
  }
  if (isSuccessCriteriaMet(ctx.finishedCondition)) {
    const c = ctx.finishedCondition!;
    if (!successCriteriaMet(ctx.job)) {
      status.conditions = [...(status.conditions ?? []), c];
      needsFlush = true;
    }
    ctx.finishedCondition = newCondition(CONDITION_COMPLETE, 'True', c.reason ?? '', c.message ?? '', now);
  }

  needsFlush = await flushUncountedAndRemoveFinalizers(deps, ctx, toRemoveFinalizer, uidsWithFinalizer, needsFlush);
  const finished = !reachedMaxUncounted && enactJobFinished(deps, ctx);
  if (finished) needsFlush = true;
  if (needsFlush) {
    ctx.job = await updateStatus(deps, ctx.job);
    if (finished) recordJobFinished(deps, ctx);
  }
}

/**
 * 1. write the status with the new uncounted UIDs (and interim conditions); 2. remove their
 * finalizers; 3. count those whose finalizer went; 4. if some removals failed, write that
 * partial progress and rethrow. Returns whether a write is still pending.
 */
async function flushUncountedAndRemoveFinalizers(deps: JobSyncDeps, ctx: SyncContext, pods: Pod[], uidsWithFinalizer: Set<string>, needsFlushIn: boolean): Promise<boolean> {
  let needsFlush = needsFlushIn;
  if (needsFlush) {
    ctx.job = await updateStatus(deps, ctx.job);
    deps.backoff.update(ctx.newBackoffRecord);
    needsFlush = false;
  }
  let removeError: unknown;
  if (pods.length > 0) {
    deps.finalizerExpectations.expectFinalizersRemoved(ctx.key, pods.map((p) => p.metadata?.uid ?? ''));
    await Promise.all(
      pods.map(async (pod) => {
        const uid = pod.metadata?.uid ?? '';
        const patch = removeTrackingFinalizerPatch(pod);
        if (!patch) return;
        try {
          await deps.podControl.patchPod(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', patch);
          uidsWithFinalizer.delete(uid);
        } catch (err) {
          // No update will show this removal: stop waiting for it.
          deps.finalizerExpectations.finalizerRemovalObserved(ctx.key, uid);
          if (isNotFound(err)) uidsWithFinalizer.delete(uid);
          else removeError ??= err;
        }
      }),
    );
  }
  if (cleanUncounted((ctx.job.status ??= {}), uidsWithFinalizer)) needsFlush = true;
  if (removeError !== undefined) {
    if (needsFlush) ctx.job = await updateStatus(deps, ctx.job);
    throw removeError;
  }
  return needsFlush;
}

/** Adds the terminal condition once nothing is uncounted or terminating any more. */
function enactJobFinished(deps: JobSyncDeps, ctx: SyncContext): boolean {
  const cond = ctx.finishedCondition;
  if (!cond) return false;
  const status = (ctx.job.status ??= {});
  const uncounted = status.uncountedTerminatedPods;
  if ((uncounted?.succeeded?.length ?? 0) + (uncounted?.failed?.length ?? 0) > 0) return false;
  if (ctx.terminating > 0) return false;
  const now = deps.clock.now();
  status.conditions = ensureCondition(status.conditions, cond.type, 'True', cond.reason ?? '', cond.message ?? '', now).list;
  if (cond.type === CONDITION_COMPLETE) status.completionTime = cond.lastTransitionTime ?? formatTime(now);
  return true;
}

function recordJobFinished(deps: JobSyncDeps, ctx: SyncContext): void {
  const cond = ctx.finishedCondition!;
  const job = ctx.job;
  if (cond.type === CONDITION_COMPLETE) {
    const completions = job.spec?.completions;
    if (completions !== undefined && completions !== null && (job.status?.succeeded ?? 0) > completions) {
      deps.recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
    }
    deps.recorder.event(job, 'Normal', 'Completed', 'Job completed');
  } else {
    deps.recorder.event(job, 'Warning', cond.reason ?? '', cond.message ?? '');
  }
}
