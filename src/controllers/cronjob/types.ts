// The batch/v1 shapes the CronJob controller reads and writes, and its well-known names.
export type { CronJob, CronJobSpec, CronJobStatus, Job } from 'kubernetes-types/batch/v1.js';
export type { ObjectReference } from 'kubernetes-types/core/v1.js';

/** On every Job the controller creates: its nominal start, RFC 3339 in the CronJob's time zone. */
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
export const CONTROLLER_COMPONENT = 'cronjob-controller';
