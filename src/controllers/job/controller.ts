// The Job controller (pkg/controller/job/job_controller.go): wiring of the Job and Pod
// informers to a work queue, and the orphan-pod queue that strips tracking finalizers from pods
// whose Job is gone or finished. All decisions are in sync.ts.
import { labelSelectorAsSelector } from '../../apimachinery/label-selector.js';
import { splitMetaNamespaceKey } from '../../apimachinery/meta.js';
import { objectKey } from '../../client/indexer.js';
import { type Clock, realClock } from '../../client/clock.js';
import { type Log, runController } from '../../client/controller-base.js';
import { isNotFound } from '../../client/errors.js';
import { EventRecorder } from '../../client/event-recorder.js';
import type { SharedInformer } from '../../client/informer.js';
import { Lister } from '../../client/lister.js';
import { type DeletedFinalStateUnknown, unwrapTombstone } from '../../client/tombstone.js';
import type { Client } from '../../client/types.js';
import { ItemExponentialRateLimiter } from '../../client/workqueue/rate-limiters.js';
import { RateLimitingQueue } from '../../client/workqueue/rate-limiting-queue.js';
import { BackoffStore } from './backoff.js';
import { isJobFinished } from './conditions.js';
import { DEFAULT_JOB_CONTROLLER_CONFIG, type JobControllerConfig, type JobSyncDeps } from './deps.js';
import { ControllerExpectations } from '../expectations.js';
import { UidTrackingExpectations } from './expectations.js';
import { type PodControl, RealPodControl, removeTrackingFinalizerPatch } from './pod-control.js';
import { hasTrackingFinalizer } from './pod-util.js';
import { JOB_CONTROLLER_NAME, syncJob } from './sync.js';
import { CONTROLLER_COMPONENT, type Job, type Pod } from './types.js';

export interface JobControllerOptions {
  client: Client;
  jobInformer: SharedInformer<Job>;
  podInformer: SharedInformer<Pod>;
  clock?: Clock;
  recorder?: EventRecorder;
  podControl?: PodControl;
  config?: Partial<JobControllerConfig>;
  log?: Log;
}

const controllerRefOf = (p: Pod) => (p.metadata?.ownerReferences ?? []).find((r) => r.controller === true);

export class JobController {
  readonly queue: RateLimitingQueue<string>;
  readonly orphanQueue: RateLimitingQueue<string>;
  readonly deps: JobSyncDeps;
  readonly #jobInformer: SharedInformer<Job>;
  readonly #podInformer: SharedInformer<Pod>;

  constructor(opts: JobControllerOptions) {
    const clock = opts.clock ?? realClock;
    const log = opts.log ?? (() => {});
    // API errors back off from 1 s to 1 min per Job (DefaultJobApiBackOff, MaxJobApiBackOff).
    this.queue = new RateLimitingQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter<string>(1000, 60_000) });
    this.orphanQueue = new RateLimitingQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter<string>(1000, 60_000) });
    const recorder = opts.recorder ?? new EventRecorder(opts.client, { component: CONTROLLER_COMPONENT }, { clock, log });
    this.#jobInformer = opts.jobInformer;
    this.#podInformer = opts.podInformer;
    this.deps = {
      client: opts.client,
      jobs: new Lister<Job>(opts.jobInformer.indexer),
      pods: new Lister<Pod>(opts.podInformer.indexer),
      podControl: opts.podControl ?? new RealPodControl(opts.client, recorder),
      recorder,
      clock,
      expectations: new ControllerExpectations(clock),
      finalizerExpectations: new UidTrackingExpectations(),
      backoff: new BackoffStore(),
      enqueueAfter: (key, ms) => this.queue.addAfter(key, ms),
      config: { ...DEFAULT_JOB_CONTROLLER_CONFIG, ...opts.config },
      log,
    };
    opts.jobInformer.addEventHandler({
      onAdd: (job) => this.#enqueue(job, 0),
      onUpdate: (old, cur) => this.#updateJob(old, cur),
      onDelete: (obj) => this.#deleteJob(obj),
    });
    opts.podInformer.addEventHandler({
      onAdd: (pod) => this.#addPod(pod),
      onUpdate: (old, cur) => this.#updatePod(old, cur),
      onDelete: (obj) => this.#deletePod(unwrapTombstone(obj), true),
    });
  }

  /** Runs `workers` Job workers and one orphan-pod worker until `signal` aborts. */
  async run(signal: AbortSignal, workers = 5): Promise<void> {
    const caches = [this.#jobInformer, this.#podInformer];
    const log = this.deps.log;
    await Promise.all([
      runController({ name: 'job', queue: this.queue, sync: (key) => this.sync(key), workers, signal, caches, log }),
      runController({ name: 'job-orphan-pod', queue: this.orphanQueue, sync: (key) => this.syncOrphanPod(key), workers: 1, signal, caches, log }),
    ]);
  }

  sync(key: string): Promise<void> {
    return syncJob(this.deps, key);
  }

  /** Removes the tracking finalizer of a pod whose Job is gone or finished. */
  async syncOrphanPod(key: string): Promise<void> {
    const { namespace, name } = splitMetaNamespaceKey(key);
    const pod = this.deps.pods.namespace(namespace).get(name);
    if (!pod) return;
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = this.#resolve(namespace, ref);
      if (job?.spec?.managedBy && job.spec.managedBy !== JOB_CONTROLLER_NAME) return;
      if (job && !isJobFinished(job)) return; // still managed (or adopted)
    }
    const patch = removeTrackingFinalizerPatch(pod);
    if (!patch) return;
    try {
      await this.deps.podControl.patchPod(namespace, name, patch);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  // --- enqueueing -------------------------------------------------------------------------

  /** Job events sync at once; pod events and status updates after the batch period. */
  #enqueue(job: Job, delayMs: number): void {
    this.queue.addAfter(objectKey(job), delayMs);
  }

  #enqueueBatched(job: Job): void {
    this.#enqueue(job, this.deps.config.syncBatchPeriodMs);
  }

  #enqueueOrphan(pod: Pod): void {
    this.orphanQueue.add(objectKey(pod));
  }

  #resolve(namespace: string, ref: { kind: string; name: string; uid: string }): Job | undefined {
    if (ref.kind !== 'Job') return undefined;
    const job = this.deps.jobs.namespace(namespace).get(ref.name);
    return job?.metadata?.uid === ref.uid ? job : undefined;
  }

  /** Jobs whose selector matches an orphan pod, which may adopt it. */
  #jobsSelecting(pod: Pod): Job[] {
    return this.deps.jobs.namespace(pod.metadata?.namespace ?? '').list().filter((job) => {
      try {
        return labelSelectorAsSelector(job.spec?.selector).matches(pod.metadata?.labels);
      } catch {
        return false;
      }
    });
  }

  /** Pods of a finished or deleted Job still holding the finalizer go to the orphan queue. */
  #cleanupPodFinalizers(job: Job): void {
    for (const pod of this.deps.pods.namespace(job.metadata?.namespace ?? '').list()) {
      if (controllerRefOf(pod)?.uid === job.metadata?.uid && hasTrackingFinalizer(pod)) this.#enqueueOrphan(pod);
    }
  }

  // --- Job handlers -----------------------------------------------------------------------

  #updateJob(old: Job, cur: Job): void {
    // A spec change syncs at once; a status update (usually our own) is batched.
    if (cur.metadata?.generation === old.metadata?.generation) this.#enqueueBatched(cur);
    else this.#enqueue(cur, 0);
    if (isJobFinished(cur)) this.#cleanupPodFinalizers(cur);
    const ads = cur.spec?.activeDeadlineSeconds;
    const start = cur.status?.startTime;
    if (start && ads !== undefined && ads !== null && ads !== old.spec?.activeDeadlineSeconds) {
      this.queue.addAfter(objectKey(cur), ads * 1000 - (this.deps.clock.now() - Date.parse(start)));
    }
  }

  #deleteJob(obj: Job | DeletedFinalStateUnknown<Job>): void {
    const job = unwrapTombstone(obj);
    this.#enqueue(job, 0);
    this.#cleanupPodFinalizers(job);
  }

  // --- Pod handlers -----------------------------------------------------------------------

  #addPod(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) {
      // Seen for the first time already terminating (a restart): not a creation we await.
      this.#deletePod(pod, false);
      return;
    }
    const ref = controllerRefOf(pod);
    if (ref) {
      const job = this.#resolve(pod.metadata?.namespace ?? '', ref);
      if (!job) return;
      this.deps.expectations.creationObserved(objectKey(job));
      this.#enqueueBatched(job);
      return;
    }
    if (hasTrackingFinalizer(pod)) this.#enqueueOrphan(pod);
    for (const job of this.#jobsSelecting(pod)) this.#enqueueBatched(job);
  }

  #updatePod(old: Pod, cur: Pod): void {
    if (cur.metadata?.resourceVersion === old.metadata?.resourceVersion) return; // resync
    if (cur.metadata?.deletionTimestamp) {
      // Graceful deletion started: replace the pod now rather than when it is finally gone.
      this.#deletePod(cur, false);
      return;
    }
    const ns = cur.metadata?.namespace ?? '';
    const uid = cur.metadata?.uid ?? '';
    const finalizerRemoved = !hasTrackingFinalizer(cur);
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) {
      const job = this.#resolve(ns, oldRef);
      if (job) {
        if (finalizerRemoved) this.deps.finalizerExpectations.finalizerRemovalObserved(objectKey(job), uid);
        this.#enqueueBatched(job);
      }
    }
    if (curRef) {
      const job = this.#resolve(ns, curRef);
      if (!job) return;
      if (finalizerRemoved) this.deps.finalizerExpectations.finalizerRemovalObserved(objectKey(job), uid);
      this.#enqueueBatched(job);
      return;
    }
    if (hasTrackingFinalizer(cur)) this.#enqueueOrphan(cur);
    const labelsChanged = JSON.stringify(cur.metadata?.labels ?? {}) !== JSON.stringify(old.metadata?.labels ?? {});
    if (labelsChanged || refChanged) for (const job of this.#jobsSelecting(cur)) this.#enqueueBatched(job);
  }

  /** `final`: the pod is gone from the API; otherwise it just got its deletionTimestamp. */
  #deletePod(pod: Pod, final: boolean): void {
    const ref = controllerRefOf(pod);
    const withFinalizer = hasTrackingFinalizer(pod);
    if (!ref) {
      if (withFinalizer) this.#enqueueOrphan(pod);
      return;
    }
    const job = this.#resolve(pod.metadata?.namespace ?? '', ref);
    if (!job || isJobFinished(job)) {
      if (withFinalizer) this.#enqueueOrphan(pod);
      return;
    }
    const key = objectKey(job);
    this.deps.expectations.deletionObserved(key, objectKey(pod));
    if (final || !withFinalizer) this.deps.finalizerExpectations.finalizerRemovalObserved(key, pod.metadata?.uid ?? '');
    this.#enqueueBatched(job);
  }
}
