// One pass over a CronJob (cronjob_controllerv2.go sync, cleanupFinishedJobs, syncCronJob):
// reconcile status.active with the Jobs it owns, trim finished Jobs to the history limits, and
// start the Job of the most recent missed schedule time if policy allows. Returns when to look
// again (the next schedule time), so no timer polls.
import { goQuote } from '../../apimachinery/field.js';
import { formatTime, splitMetaNamespaceKey } from '../../apimachinery/meta.js';
import { type ScheduleError, parseSchedule } from '../../apiserver/registry/batch/cronjobs/schedule.js';
import type { Clock } from '../../client/clock.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Lister } from '../../client/lister.js';
import { CRONJOBS, JOBS } from '../../client/resources.js';
import type { Client } from '../../client/types.js';
import { finishedCondition, isJobFinished, isJobSucceeded } from '../job/conditions.js';
import { jobFromTemplate, jobNameFor } from './job-template.js';
import type { ZonedSchedule } from './next-time.js';
import { nextScheduleDelay, nextScheduleTime } from './schedule-times.js';
import type { CronJob, Job, ObjectReference } from './types.js';
import { isKnownTimeZone } from './zoned-time.js';

export interface CronJobSyncDeps {
  client: Client;
  cronJobs: Lister<CronJob>;
  jobs: Lister<Job>;
  recorder: EventRecorder;
  clock: Clock;
}

const controllerOf = (job: Job) => (job.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
const uidOf = (o: { metadata?: { uid?: string } }): string => o.metadata?.uid ?? '';
const inActiveList = (cj: CronJob, uid: string): boolean => (cj.status?.active ?? []).some((r) => r.uid === uid);
const removeFromActive = (cj: CronJob, uid: string): void => {
  const status = (cj.status ??= {});
  status.active = (status.active ?? []).filter((r) => r.uid !== uid);
};
const refTo = (job: Job): ObjectReference => ({
  kind: 'Job',
  namespace: job.metadata?.namespace,
  name: job.metadata?.name,
  uid: job.metadata?.uid,
  apiVersion: 'batch/v1',
  resourceVersion: job.metadata?.resourceVersion,
});

/** Go's time.RFC1123Z, in UTC: "Mon, 01 Jan 2024 12:00:00 +0000". */
const rfc1123z = (ms: number): string => new Date(ms).toUTCString().replace('GMT', '+0000');

/** Deletes a Job (background propagation) and drops it from the active list; false (with an event) on failure. */
async function deleteJob(deps: CronJobSyncDeps, cj: CronJob, job: Job): Promise<boolean> {
  try {
    await deps.client.delete(JOBS, job.metadata?.namespace, job.metadata?.name ?? '', { propagationPolicy: 'Background' });
  } catch (err) {
    deps.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
  removeFromActive(cj, uidOf(job));
  deps.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata?.name ?? ''}`);
  return true;
}

/** Oldest first by status.startTime (never-started last), then by name. */
const byStartTime = (a: Job, b: Job): number => {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (!sa && sb) return 1;
  if (sa && !sb) return -1;
  if (sa && sb && sa !== sb) return Date.parse(sa) - Date.parse(sb);
  return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : (a.metadata?.name ?? '') > (b.metadata?.name ?? '') ? 1 : 0;
};

async function removeOldestJobs(deps: CronJobSyncDeps, cj: CronJob, jobs: Job[], keep: number): Promise<boolean> {
  const excess = jobs.length - keep;
  if (excess <= 0) return false;
  let changed = false;
  for (const job of [...jobs].sort(byStartTime).slice(0, excess)) if (await deleteJob(deps, cj, job)) changed = true;
  return changed;
}

/** Trims finished Jobs to successfulJobsHistoryLimit / failedJobsHistoryLimit. */
export async function cleanupFinishedJobs(deps: CronJobSyncDeps, cj: CronJob, jobs: Job[]): Promise<boolean> {
  const successLimit = cj.spec?.successfulJobsHistoryLimit;
  const failedLimit = cj.spec?.failedJobsHistoryLimit;
  if ((successLimit === undefined || successLimit === null) && (failedLimit === undefined || failedLimit === null)) return false;
  const succeeded = jobs.filter((j) => finishedCondition(j)?.type === 'Complete');
  const failed = jobs.filter((j) => finishedCondition(j)?.type === 'Failed');
  let changed = false;
  if (successLimit !== undefined && successLimit !== null && (await removeOldestJobs(deps, cj, succeeded, successLimit))) changed = true;
  if (failedLimit !== undefined && failedLimit !== null && (await removeOldestJobs(deps, cj, failed, failedLimit))) changed = true;
  return changed;
}

export interface CronJobSyncResult {
  /** Look again after this long (ms); undefined: only when something changes. */
  requeueAfter?: number;
  updateStatus: boolean;
}

/** The schedule in the CronJob's zone, or an event and undefined when it cannot be used. */
function scheduleOf(deps: CronJobSyncDeps, cj: CronJob): ZonedSchedule | undefined {
  const spec = cj.spec?.schedule ?? '';
  if (spec.includes('TZ')) {
    deps.recorder.event(cj, 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule ${goQuote(spec)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
  }
  try {
    return { schedule: parseSchedule(spec, isKnownTimeZone), zone: cj.spec?.timeZone ?? '' };
  } catch (err) {
    deps.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${goQuote(spec)} : ${(err as ScheduleError).message}`);
    return undefined;
  }
}

export async function syncCronJob(deps: CronJobSyncDeps, cjIn: CronJob, jobs: Job[]): Promise<CronJobSyncResult & { cronJob: CronJob }> {
  let cj = cjIn;
  const now = deps.clock.now();
  let updateStatus = false;
  const ns = cj.metadata?.namespace ?? '';
  const children = new Set<string>();

  for (const job of jobs) {
    children.add(uidOf(job));
    const found = inActiveList(cj, uidOf(job));
    if (!found && !isJobFinished(job)) {
      // Maybe our own status update is not in the cache yet: ask the API.
      const fresh = await deps.client.get<CronJob>(CRONJOBS, ns, cj.metadata?.name ?? '');
      if (inActiveList(fresh, uidOf(job))) {
        cj = fresh;
        continue;
      }
      deps.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata?.name ?? ''}`);
    } else if (found && isJobFinished(job)) {
      removeFromActive(cj, uidOf(job));
      deps.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata?.name ?? ''}, condition: ${finishedCondition(job)?.type ?? ''}`);
      updateStatus = true;
    } else if (isJobSucceeded(job)) {
      // Finished and no longer active: only its completion time matters.
      const completed = job.status?.completionTime;
      const last = cj.status?.lastSuccessfulTime;
      if (completed && (!last || Date.parse(completed) > Date.parse(last))) {
        (cj.status ??= {}).lastSuccessfulTime = completed;
        updateStatus = true;
      }
    }
  }
  // Active refs whose Job is gone from both the cache and the API.
  for (const ref of [...(cj.status?.active ?? [])]) {
    if (children.has(ref.uid ?? '')) continue;
    try {
      await deps.client.get<Job>(JOBS, ref.namespace ?? ns, ref.name ?? '');
    } catch (err) {
      if (!isNotFound(err)) throw err;
      deps.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name ?? ''}`);
      removeFromActive(cj, ref.uid ?? '');
      updateStatus = true;
    }
  }

  if (cj.metadata?.deletionTimestamp) return { cronJob: cj, updateStatus };
  const timeZone = cj.spec?.timeZone;
  if (timeZone !== undefined && timeZone !== null && !isKnownTimeZone(timeZone)) {
    deps.recorder.event(cj, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${goQuote(timeZone)}: unknown time zone ${timeZone}`);
    return { cronJob: cj, updateStatus };
  }
  if (cj.spec?.suspend === true) return { cronJob: cj, updateStatus };
  const sched = scheduleOf(deps, cj);
  if (!sched) return { cronJob: cj, updateStatus };

  const next = nextScheduleTime(cj, now, sched);
  if (next.error !== undefined) {
    deps.recorder.event(cj, 'Warning', 'InvalidSchedule', `invalid schedule: ${cj.spec?.schedule ?? ''} : ${next.error}`);
    return { cronJob: cj, updateStatus };
  }
  if (next.time !== undefined && next.missed === 'many') {
    deps.recorder.event(cj, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
  }
  const requeue = (): CronJobSyncResult & { cronJob: CronJob } => ({ cronJob: cj, updateStatus, requeueAfter: nextScheduleDelay(cj, now, sched) });
  const scheduledTime = next.time;
  if (scheduledTime === undefined) return requeue();

  const deadline = cj.spec?.startingDeadlineSeconds;
  if (deadline !== undefined && deadline !== null && scheduledTime + deadline * 1000 < now) {
    deps.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduledTime)}`);
    return requeue();
  }
  const name = jobNameFor(cj, scheduledTime);
  const lastScheduled = cj.status?.lastScheduleTime ? Date.parse(cj.status.lastScheduleTime) : undefined;
  if ((cj.status?.active ?? []).some((r) => r.name === name && (r.namespace ?? ns) === ns) || lastScheduled === scheduledTime) {
    return requeue(); // this time was handled already
  }
  const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
  if (policy === 'Forbid' && (cj.status?.active ?? []).length > 0) {
    deps.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
    return requeue();
  }
  if (policy === 'Replace') {
    for (const ref of [...(cj.status?.active ?? [])]) {
      let job: Job;
      try {
        job = await deps.client.get<Job>(JOBS, ref.namespace ?? ns, ref.name ?? '');
      } catch (err) {
        deps.recorder.event(cj, 'Warning', 'FailedGet', `Get job: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
      if (!(await deleteJob(deps, cj, job))) throw new Error(`could not replace job ${ref.namespace ?? ns}/${ref.name ?? ''}`);
      updateStatus = true;
    }
  }

  let created: Job;
  const request = jobFromTemplate(cj, scheduledTime);
  try {
    created = await deps.client.create<Job>(JOBS, ns, request);
    deps.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata?.name ?? ''}`);
  } catch (err) {
    if (!isAlreadyExists(err)) {
      deps.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    // Made before (a crash between create and status update, or another actor).
    created = await deps.client.get<Job>(JOBS, ns, name);
    if (controllerOf(created)?.uid !== uidOf(cj) || inActiveList(cj, uidOf(created))) return { cronJob: cj, updateStatus };
  }
  const status = (cj.status ??= {});
  status.active = [...(status.active ?? []), refTo(created)];
  status.lastScheduleTime = formatTime(scheduledTime);
  updateStatus = true;
  return requeue();
}

/** sync: the whole pass for one key; returns when to look again. */
export async function syncCronJobKey(deps: CronJobSyncDeps, key: string): Promise<number | undefined> {
  const { namespace, name } = splitMetaNamespaceKey(key);
  const cached = deps.cronJobs.namespace(namespace).get(name);
  if (!cached) return undefined;
  // Jobs it controls, including any whose labels no longer match its template.
  const jobs = deps.jobs.namespace(namespace).list().filter((j) => {
    const ref = controllerOf(j);
    return ref?.kind === 'CronJob' && ref.name === name;
  });
  const cj: CronJob = structuredClone(cached);
  const cleaned = await cleanupFinishedJobs(deps, cj, jobs);
  const result = await syncCronJob(deps, cj, jobs);
  if (cleaned || result.updateStatus) await deps.client.updateStatus(CRONJOBS, namespace, result.cronJob);
  return result.requeueAfter;
}
