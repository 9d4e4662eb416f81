// The Job a CronJob starts for one scheduled time (cronjob utils.go getJobFromTemplate2): its
// name is fixed by the time ("<cronjob>-<minutes since the epoch>") so that a retry after a crash
// finds the Job it already made instead of making a second one.
import { formatRfc3339InZone } from './zoned-time.js';
import { type CronJob, type Job, SCHEDULED_TIMESTAMP_ANNOTATION } from './types.js';

export const jobNameFor = (cj: CronJob, scheduledTime: number): string => `${cj.metadata?.name ?? ''}-${Math.floor(scheduledTime / 60_000)}`;

export function jobFromTemplate(cj: CronJob, scheduledTime: number): Job {
  const template = cj.spec?.jobTemplate ?? {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobNameFor(cj, scheduledTime),
      namespace: cj.metadata?.namespace,
      labels: { ...template.metadata?.labels },
      annotations: { ...template.metadata?.annotations, [SCHEDULED_TIMESTAMP_ANNOTATION]: formatRfc3339InZone(scheduledTime, cj.spec?.timeZone ?? '') },
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata?.name ?? '', uid: cj.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: structuredClone(template.spec ?? { template: {} }),
  };
}
