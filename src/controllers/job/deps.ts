// What the Job controller's sync steps share: the API, the caches, pod control, events, time,
// expectations and tunables. Everything a test replaces is a field here.
import type { Clock } from '../../client/clock.js';
import type { Log } from '../../client/controller-base.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Lister } from '../../client/lister.js';
import type { Client } from '../../client/types.js';
import type { BackoffStore } from './backoff.js';
import type { ControllerExpectations } from '../expectations.js';
import type { UidTrackingExpectations } from './expectations.js';
import type { PodControl } from './pod-control.js';
import type { Job, Pod } from './types.js';

export interface JobControllerConfig {
  /** First wait before replacing a failed pod (DefaultJobPodFailureBackOff, 10 s); doubles per failure. */
  podFailureBackoffMs: number;
  /** Cap of that wait. Kubernetes documents six minutes; its code (MaxJobPodFailureBackOff) says ten. */
  maxPodFailureBackoffMs: number;
  /** Pod events and status updates sync the Job after this delay, batching bursts (syncJobBatchPeriod, 1 s). */
  syncBatchPeriodMs: number;
  /** Cap of status.uncountedTerminatedPods per sync (MaxUncountedPods). */
  maxUncountedPods: number;
  /** Cap of pod creations or deletions per sync (MaxPodCreateDeletePerSync). */
  maxPodCreateDeletePerSync: number;
}

export const DEFAULT_JOB_CONTROLLER_CONFIG: JobControllerConfig = {
  podFailureBackoffMs: 10_000,
  maxPodFailureBackoffMs: 6 * 60_000,
  syncBatchPeriodMs: 1000,
  maxUncountedPods: 500,
  maxPodCreateDeletePerSync: 500,
};

export interface JobSyncDeps {
  client: Client;
  jobs: Lister<Job>;
  pods: Lister<Pod>;
  podControl: PodControl;
  recorder: EventRecorder;
  clock: Clock;
  expectations: ControllerExpectations;
  finalizerExpectations: UidTrackingExpectations;
  backoff: BackoffStore;
  /** Syncs `key` again after `ms` (the queue's addAfter). */
  enqueueAfter(key: string, ms: number): void;
  config: JobControllerConfig;
  log: Log;
}
