// The batch/v1 and core/v1 shapes the Job controller reads and writes, and the well-known names
// it uses (k8s.io/api/batch/v1 types.go). Type-only: informer objects are used as they arrive.
export type { Job, JobCondition, JobSpec, JobStatus } from 'kubernetes-types/batch/v1.js';
export type { Container, Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';

/** On every pod the controller creates; removed once the pod's outcome is in the Job's status. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** Indexed Jobs: the pod's completion index, as an annotation and (PodIndexLabel) a label. */
export const JOB_COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const JOB_COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

export const CONDITION_COMPLETE = 'Complete';
export const CONDITION_FAILED = 'Failed';
export const CONDITION_SUSPENDED = 'Suspended';
export const CONDITION_FAILURE_TARGET = 'FailureTarget';
export const CONDITION_SUCCESS_CRITERIA_MET = 'SuccessCriteriaMet';

export const REASON_BACKOFF_LIMIT_EXCEEDED = 'BackoffLimitExceeded';
export const REASON_DEADLINE_EXCEEDED = 'DeadlineExceeded';
export const REASON_COMPLETIONS_REACHED = 'CompletionsReached';
export const MESSAGE_BACKOFF_LIMIT_EXCEEDED = 'Job has reached the specified backoff limit';
export const MESSAGE_DEADLINE_EXCEEDED = 'Job was active longer than specified deadline';
export const MESSAGE_COMPLETIONS_REACHED = 'Reached expected number of succeeded pods';

export const CONTROLLER_COMPONENT = 'job-controller';
