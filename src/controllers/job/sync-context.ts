// The state one syncJob pass builds up and hands between its steps (job_controller.go syncJobCtx).
import type { BackoffRecord } from './backoff.js';
import type { Job, JobCondition, Pod } from './types.js';

export interface SyncContext {
  key: string;
  /** A private copy of the cached Job; steps change its status in place. */
  job: Job;
  pods: Pod[];
  activePods: Pod[];
  /** The condition the Job is heading to (interim or terminal), once decided. */
  finishedCondition?: JobCondition;
  succeeded: number;
  failed: number;
  /** Indexed Jobs: indexes recorded before this sync, and now. */
  prevSucceededIndexes?: Set<number>;
  succeededIndexes?: Set<number>;
  newBackoffRecord: BackoffRecord;
  /** Pods whose finalizer removal was sent but not yet seen. */
  expectedRmFinalizers: ReadonlySet<string>;
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  terminating: number;
  ready: number;
}
