// batch/v1 Jobs: a pod template run to completion. On create the selector and the pod labels
// (controller-uid, job-name and their batch.kubernetes.io/ twins) are generated unless
// spec.manualSelector is true, as Kubernetes' job strategy does.
import { isDNS1123Label } from '../../../../apimachinery/names.js';
import type { LabelSelector } from '../../../../apimachinery/labels.js';
import type { RequestContext, Strategy } from '../../generic/resource.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import { type Condition, type PodTemplateSpec, type Workload, defaultTemplate } from '../../apps/workload.js';
import { validateJob, validateJobStatusUpdate, validateJobUpdate } from './validation.js';

export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

export interface PodFailurePolicyRule {
  action?: string;
  onExitCodes?: { containerName?: string; operator?: string; values?: number[] };
  onPodConditions?: { type?: string; status?: string }[];
}

export interface JobSpec {
  parallelism?: number;
  completions?: number;
  activeDeadlineSeconds?: number;
  podFailurePolicy?: { rules?: PodFailurePolicyRule[] };
  successPolicy?: { rules?: { succeededIndexes?: string; succeededCount?: number }[] };
  backoffLimit?: number;
  backoffLimitPerIndex?: number;
  maxFailedIndexes?: number;
  selector?: LabelSelector;
  manualSelector?: boolean;
  template?: PodTemplateSpec;
  ttlSecondsAfterFinished?: number;
  completionMode?: string;
  suspend?: boolean;
  podReplacementPolicy?: string;
  managedBy?: string;
}

export interface JobStatus {
  conditions?: Condition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number;
  completedIndexes?: string;
  failedIndexes?: string;
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
  ready?: number;
}

export type Job = Workload<JobSpec, JobStatus>;

/** Defaults shared by a Job and a CronJob's jobTemplate: the pod template and pod failure policy. */
export function defaultJobTemplateSpec(spec: JobSpec): void {
  defaultTemplate(spec.template);
  for (const rule of spec.podFailurePolicy?.rules ?? []) {
    for (const pattern of rule.onPodConditions ?? []) pattern.status ||= 'True';
  }
}

/** SetDefaults_Job (batch/v1 defaults.go). */
export function defaultJob(job: Job): void {
  const spec = (job.spec ??= {});
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  // The Job takes its pod template's labels when it has none of its own.
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...templateLabels };
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  spec.manualSelector ??= false;
  defaultJobTemplateSpec(spec);
}

/** generateSelector: pod labels identifying this Job and a selector on its uid. */
export function generateSelector(job: Job): void {
  const spec = (job.spec ??= {});
  const template = (spec.template ??= {});
  const meta = (template.metadata ??= {});
  const labels = (meta.labels ??= {});
  const name = job.metadata.name ?? '';
  const uid = job.metadata.uid ?? '';
  // A label the user set is kept; a conflicting value is rejected by validation.
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!(key in labels)) labels[key] = name;
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!(key in labels)) labels[key] = uid;
  spec.selector ??= {};
  spec.selector.matchLabels ??= {};
  if (!(CONTROLLER_UID_LABEL in spec.selector.matchLabels)) spec.selector.matchLabels[CONTROLLER_UID_LABEL] = uid;
}

const warnings = (job: Job, old: Job | undefined): string[] => {
  if (old) return [];
  const msgs = isDNS1123Label(job.metadata.name ?? '');
  return msgs.length
    ? [`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`]
    : [];
};

const base = specStatusStrategy<Job>({
  defaults: defaultJob,
  validate: (job) => validateJob(job, { requirePrefixedLabels: true }),
  validateStatusUpdate: (job, old) => validateJobStatusUpdate(job, old),
  warnings,
});

export const jobStrategy: Strategy<Job> = {
  ...base.strategy,
  prepareForCreate: (job: Job, ctx: RequestContext) => {
    base.strategy.prepareForCreate(job, ctx);
    if (job.spec?.manualSelector !== true) generateSelector(job);
    // Kubernetes returns the object as read back from storage, defaulted again: a Job without
    // labels then carries its template's labels, generated ones included.
    defaultJob(job);
  },
  // Not validate + update checks: Jobs from before 1.27 lack the prefixed labels and stay valid.
  validateUpdate: (job, old) => validateJobUpdate(job, old),
};

export const jobStatusStrategy = base.statusStrategy;
