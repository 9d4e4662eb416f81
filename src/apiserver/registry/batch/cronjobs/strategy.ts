// batch/v1 CronJobs: a Job template started on a cron schedule (optionally in a time zone).
import type { Strategy } from '../../generic/resource.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import type { KubeObject, ObjectMeta } from '../../../../apimachinery/meta.js';
import { type JobSpec, defaultJobTemplateSpec } from '../jobs/strategy.js';
import { validateCronJob, validateCronJobUpdate } from './validation.js';

export interface CronJobSpec {
  schedule?: string;
  timeZone?: string;
  startingDeadlineSeconds?: number;
  concurrencyPolicy?: string;
  suspend?: boolean;
  jobTemplate?: { metadata?: ObjectMeta; spec?: JobSpec };
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
}

export interface CronJobStatus {
  active?: { apiVersion?: string; kind?: string; name?: string; namespace?: string; uid?: string; resourceVersion?: string }[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

export interface CronJob extends KubeObject {
  spec?: CronJobSpec;
  status?: CronJobStatus;
}

/** SetDefaults_CronJob; the jobTemplate gets pod template defaults only (no Job defaults). */
export function defaultCronJob(cj: CronJob): void {
  const spec = (cj.spec ??= {});
  spec.concurrencyPolicy ||= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  if (spec.jobTemplate?.spec) defaultJobTemplateSpec(spec.jobTemplate.spec);
}

const strategies = specStatusStrategy<CronJob>({
  defaults: defaultCronJob,
  validate: validateCronJob,
});

export const cronJobStrategy: Strategy<CronJob> = {
  ...strategies.strategy,
  // Not validate + update checks: the 52-character name limit applies on create only.
  validateUpdate: (cj, old) => validateCronJobUpdate(cj, old),
};
export const cronJobStatusStrategy = strategies.statusStrategy;
