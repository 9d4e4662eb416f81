// manageJob: bring the number of active pods to what the Job wants, parallelism bounded by the
// completions still missing, respecting the back-off after failures; or delete every active pod
// of a suspended Job.
import { isNotFound } from '../../client/errors.js';
import { objectKey } from '../../client/indexer.js';
import type { JobSyncDeps } from './deps.js';
import { duplicateIndexPods, firstPendingIndexes, generateNameWithIndex, isIndexedJob, withCompletionIndex } from './indexed.js';
import { compareForDeletion, isPodReady } from './pod-util.js';
import { remainingBackoff } from './backoff.js';
import { removeTrackingFinalizerPatch } from './pod-control.js';
import type { SyncContext } from './sync-context.js';
import type { Pod } from './types.js';

/** Slow start: create 1 pod, then 2, 4, ... while creations keep succeeding (SlowStartInitialBatchSize). */
const SLOW_START_INITIAL_BATCH = 1;

export interface ManageResult {
  active: number;
  error?: unknown;
}

const onlyReplaceFailedPods = (ctx: SyncContext): boolean =>
  ctx.job.spec?.podReplacementPolicy === 'Failed' || ctx.job.spec?.podFailurePolicy !== undefined;

/** Pods to delete: at least `rmAtLeast`, plus (Indexed) those with bad or repeated indexes. */
function activePodsForRemoval(ctx: SyncContext, rmAtLeast: number): Pod[] {
  let remove: Pod[] = [];
  let left = ctx.activePods;
  if (isIndexedJob(ctx.job)) ({ remove, keep: left } = duplicateIndexPods(ctx.activePods, ctx.job.spec?.completions ?? 0));
  if (remove.length < rmAtLeast) remove = [...remove, ...[...left].sort(compareForDeletion).slice(0, rmAtLeast - remove.length)];
  return remove;
}

/** Drops the finalizer (the pod is not counted), then deletes; returns how many (and how many ready) went. */
async function deleteJobPods(deps: JobSyncDeps, ctx: SyncContext, pods: Pod[]): Promise<{ deleted: number; deletedReady: number; error?: unknown }> {
  let deleted = 0;
  let deletedReady = 0;
  let error: unknown;
  await Promise.all(
    pods.map(async (pod) => {
      try {
        const patch = removeTrackingFinalizerPatch(pod);
        if (patch) await deps.podControl.patchPod(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', patch);
        await deps.podControl.deletePod(ctx.job, pod);
        deleted++;
        if (isPodReady(pod)) deletedReady++;
      } catch (err) {
        // The informer will not see this deletion.
        deps.expectations.deletionObserved(ctx.key, objectKey(pod));
        if (isNotFound(err)) {
          deleted++;
          return;
        }
        error ??= err;
      }
    }),
  );
  return { deleted, deletedReady, error };
}

export async function manageJob(deps: JobSyncDeps, ctx: SyncContext): Promise<ManageResult> {
  const { job, key } = ctx;
  let active = ctx.activePods.length;
  const parallelism = job.spec?.parallelism ?? 1;
  const completions = job.spec?.completions;

  if (job.spec?.suspend === true) {
    const toDelete = activePodsForRemoval(ctx, active);
    deps.expectations.expectDeletions(key, toDelete.map(objectKey));
    const r = await deleteJobPods(deps, ctx, toDelete);
    ctx.terminating += r.deleted;
    ctx.ready -= r.deletedReady;
    return { active: active - r.deleted, error: r.error };
  }

  let wantActive: number;
  if (completions === undefined || completions === null) {
    // Without completions every pod can end the Job: once one succeeded, start no more.
    wantActive = ctx.succeeded > 0 ? active : parallelism;
  } else {
    wantActive = Math.max(0, Math.min(completions - ctx.succeeded, parallelism));
  }

  const toDelete = activePodsForRemoval(ctx, Math.max(0, active - wantActive)).slice(0, deps.config.maxPodCreateDeletePerSync);
  if (toDelete.length > 0) {
    deps.expectations.expectDeletions(key, toDelete.map(objectKey));
    const r = await deleteJobPods(deps, ctx, toDelete);
    ctx.terminating += r.deleted;
    ctx.ready -= r.deletedReady;
    // Deletion and creation never happen in the same sync; deletion goes first.
    return { active: active - r.deleted, error: r.error };
  }

  const terminating = onlyReplaceFailedPods(ctx) ? ctx.terminating : 0;
  let diff = wantActive - terminating - active;
  if (diff <= 0) return { active };

  const wait = remainingBackoff(ctx.newBackoffRecord, deps.clock, deps.config.podFailureBackoffMs, deps.config.maxPodFailureBackoffMs);
  if (wait > 0) {
    deps.enqueueAfter(key, Math.max(wait, deps.config.syncBatchPeriodMs));
    return { active };
  }
  diff = Math.min(diff, deps.config.maxPodCreateDeletePerSync);
  let indexes: number[] = [];
  if (isIndexedJob(job)) {
    indexes = firstPendingIndexes(ctx.succeededIndexes ?? new Set(), ctx.activePods, diff, completions ?? 0);
    diff = indexes.length;
  }
  if (diff === 0) return { active };

  deps.expectations.expectCreations(key, diff);
  const template = job.spec?.template ?? {};
  const name = job.metadata?.name ?? '';
  let error: unknown;
  let remaining = diff;
  for (let batch = Math.min(diff, SLOW_START_INITIAL_BATCH); remaining > 0; batch = Math.min(2 * batch, remaining)) {
    const chunk = indexes.splice(0, batch);
    const results = await Promise.allSettled(
      Array.from({ length: batch }, (_, i) => {
        const ix = chunk[i];
        if (ix === undefined) return deps.podControl.createPod(job, template);
        return deps.podControl.createPod(job, withCompletionIndex(template, name, ix), generateNameWithIndex(name, ix));
      }),
    );
    let failedNow = 0;
    for (const r of results) {
      if (r.status === 'fulfilled') {
        active++;
        continue;
      }
      failedNow++;
      deps.expectations.creationObserved(key);
      error ??= r.reason;
    }
    remaining -= batch;
    if (failedNow > 0) {
      // Slow-start failure: the pods never attempted are not expected either; the next sync retries.
      for (let i = 0; i < remaining; i++) deps.expectations.creationObserved(key);
      break;
    }
  }
  return { active, error };
}
