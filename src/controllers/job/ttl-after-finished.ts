// The TTL-after-finished controller (pkg/controller/ttlafterfinished): a finished Job with
// spec.ttlSecondsAfterFinished is deleted (foreground, so its pods go first) that many seconds
// after its Complete or Failed condition, re-checked against a fresh read before deleting.
import { splitMetaNamespaceKey } from '../../apimachinery/meta.js';
import { objectKey } from '../../client/indexer.js';
import { type Clock, realClock } from '../../client/clock.js';
import { type Log, runController } from '../../client/controller-base.js';
import { isNotFound } from '../../client/errors.js';
import type { SharedInformer } from '../../client/informer.js';
import { Lister } from '../../client/lister.js';
import { JOBS } from '../../client/resources.js';
import type { Client } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue/rate-limiting-queue.js';
import { finishedCondition } from './conditions.js';
import type { Job } from './types.js';

export interface TtlAfterFinishedOptions {
  client: Client;
  jobInformer: SharedInformer<Job>;
  clock?: Clock;
  log?: Log;
}

const needsCleanup = (job: Job): boolean =>
  job.spec?.ttlSecondsAfterFinished !== undefined && job.spec.ttlSecondsAfterFinished !== null && finishedCondition(job) !== undefined;

export class TtlAfterFinishedController {
  readonly queue: RateLimitingQueue<string>;
  readonly #client: Client;
  readonly #jobs: Lister<Job>;
  readonly #informer: SharedInformer<Job>;
  readonly #clock: Clock;
  readonly #log: Log;

  constructor(opts: TtlAfterFinishedOptions) {
    this.#clock = opts.clock ?? realClock;
    this.#client = opts.client;
    this.#informer = opts.jobInformer;
    this.#jobs = new Lister<Job>(opts.jobInformer.indexer);
    this.#log = opts.log ?? (() => {});
    this.queue = new RateLimitingQueue<string>({ clock: this.#clock });
    const maybeEnqueue = (job: Job): void => {
      if (!job.metadata?.deletionTimestamp && needsCleanup(job)) this.queue.add(objectKey(job));
    };
    opts.jobInformer.addEventHandler({ onAdd: maybeEnqueue, onUpdate: (_old, cur) => maybeEnqueue(cur) });
  }

  run(signal: AbortSignal, workers = 5): Promise<void> {
    return runController({ name: 'ttl-after-finished', queue: this.queue, sync: (key) => this.sync(key), workers, signal, caches: [this.#informer], log: this.#log });
  }

  /** When the Job's TTL runs out (ms since the epoch), or undefined if it needs no clean-up; requeues a Job not yet due. */
  #expiry(key: string, job: Job): number | undefined {
    if (job.metadata?.deletionTimestamp || !needsCleanup(job)) return undefined;
    const finishedAt = finishedCondition(job)?.at;
    if (finishedAt === undefined) return undefined;
    const expireAt = finishedAt + (job.spec?.ttlSecondsAfterFinished ?? 0) * 1000;
    const left = expireAt - this.#clock.now();
    if (left > 0) {
      this.queue.addAfter(key, left);
      return undefined;
    }
    return expireAt;
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitMetaNamespaceKey(key);
    const cached = this.#jobs.namespace(namespace).get(name);
    if (!cached || this.#expiry(key, cached) === undefined) return;
    // The cached TTL may be stale: decide again on a fresh copy.
    let fresh: Job;
    try {
      fresh = await this.#client.get<Job>(JOBS, namespace, name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (this.#expiry(key, fresh) === undefined) return;
    try {
      await this.#client.delete(JOBS, namespace, name, { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata?.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
