import { humanDuration } from '../../../../apimachinery/duration.js';
import { formatLabelSelector } from '../../../../apimachinery/labels.js';
import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { containerImages, statusCondition } from '../../apps/workload.js';
import { type Job, jobStatusStrategy, jobStrategy } from './strategy.js';

const conditionTrue = (job: Job, type: string): boolean => statusCondition(job.status, type)?.status === 'True';

/** The STATUS column, in printJob's order of precedence. */
export function jobStatus(job: Job): string {
  if (conditionTrue(job, 'Complete')) return 'Complete';
  if (conditionTrue(job, 'Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (conditionTrue(job, 'Suspended')) return 'Suspended';
  if (conditionTrue(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** COMPLETIONS: "1/3", or for a work queue (no completions) "0/1" or "0/1 of 4". */
export function jobCompletions(job: Job): string {
  const succeeded = job.status?.succeeded ?? 0;
  const completions = job.spec?.completions;
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = job.spec?.parallelism ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

export function jobDuration(job: Job, now: number): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime ? Date.parse(job.status.completionTime) : now;
  return humanDuration(end - Date.parse(start));
}

export const jobs = defineResource<Job>({
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  resource: 'jobs',
  singular: 'job',
  categories: ['all'],
  namespaced: true,
  strategy: jobStrategy,
  statusStrategy: jobStatusStrategy,
  table: {
    columns: [
      { name: 'Status', type: 'string', description: 'Status of the job.' },
      { name: 'Completions', type: 'string', description: 'The number of pods which reached phase Succeeded.' },
      { name: 'Duration', type: 'string', description: 'Time required to complete the job.' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
      { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.' },
      { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.' },
      { name: 'Selector', type: 'string', priority: 1, description: 'A label query over pods that should match the pod count.' },
    ],
    cells: (job, now) => {
      const { names, images } = containerImages(job.spec?.template);
      return [jobStatus(job), jobCompletions(job), jobDuration(job, now), age(job, now), names, images, formatLabelSelector(job.spec?.selector)];
    },
  },
  selectableFields: { 'status.successful': (job) => String(job.status?.succeeded ?? 0) },
});
