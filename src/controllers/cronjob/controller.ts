// The CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go): CronJob and Job
// informers feed one queue; each sync returns when the next schedule time is due and the key is
// re-added for exactly then, so no loop polls. Decisions are in sync.ts.
import { parseSchedule } from '../../apiserver/registry/batch/cronjobs/schedule.js';
import { type Clock, realClock } from '../../client/clock.js';
import { type Log, runController } from '../../client/controller-base.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { objectKey } from '../../client/indexer.js';
import type { SharedInformer } from '../../client/informer.js';
import { Lister } from '../../client/lister.js';
import { unwrapTombstone } from '../../client/tombstone.js';
import type { Client } from '../../client/types.js';
import { defaultControllerRateLimiter } from '../../client/workqueue/rate-limiters.js';
import { RateLimitingQueue } from '../../client/workqueue/rate-limiting-queue.js';
import { nextScheduleDelay } from './schedule-times.js';
import { type CronJobSyncDeps, syncCronJobKey } from './sync.js';
import { CONTROLLER_COMPONENT, type CronJob, type Job } from './types.js';
import { isKnownTimeZone } from './zoned-time.js';

export interface CronJobControllerOptions {
  client: Client;
  cronJobInformer: SharedInformer<CronJob>;
  jobInformer: SharedInformer<Job>;
  clock?: Clock;
  recorder?: EventRecorder;
  log?: Log;
}

export class CronJobController {
  readonly queue: RateLimitingQueue<string>;
  readonly deps: CronJobSyncDeps;
  readonly #informers: SharedInformer[];
  readonly #log: Log;

  constructor(opts: CronJobControllerOptions) {
    const clock = opts.clock ?? realClock;
    this.#log = opts.log ?? (() => {});
    this.queue = new RateLimitingQueue<string>({ clock, rateLimiter: defaultControllerRateLimiter<string>(clock) });
    this.#informers = [opts.cronJobInformer as unknown as SharedInformer, opts.jobInformer as unknown as SharedInformer];
    this.deps = {
      client: opts.client,
      cronJobs: new Lister<CronJob>(opts.cronJobInformer.indexer),
      jobs: new Lister<Job>(opts.jobInformer.indexer),
      recorder: opts.recorder ?? new EventRecorder(opts.client, { component: CONTROLLER_COMPONENT }, { clock, log: this.#log }),
      clock,
    };
    opts.cronJobInformer.addEventHandler({
      onAdd: (cj) => this.queue.add(objectKey(cj)),
      onUpdate: (old, cur) => this.#updateCronJob(old, cur),
      onDelete: (obj) => this.queue.add(objectKey(unwrapTombstone(obj))),
    });
    opts.jobInformer.addEventHandler({
      onAdd: (job) => this.#enqueueOwner(job),
      onUpdate: (old, cur) => {
        if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
        const oldOwner = this.#ownerKey(old);
        if (oldOwner && oldOwner !== this.#ownerKey(cur)) this.queue.add(oldOwner);
        this.#enqueueOwner(cur);
      },
      onDelete: (obj) => this.#enqueueOwner(unwrapTombstone(obj)),
    });
  }

  run(signal: AbortSignal, workers = 5): Promise<void> {
    return runController({ name: 'cronjob', queue: this.queue, sync: (key) => this.sync(key), workers, signal, caches: this.#informers, log: this.#log });
  }

  /** One pass; the key comes back at the next schedule time (errors: rate-limited retry). */
  async sync(key: string): Promise<void> {
    const after = await syncCronJobKey(this.deps, key);
    if (after !== undefined) this.queue.addAfter(key, after);
  }

  /** The "namespace/name" of the CronJob controlling `job`, if it exists with that uid. */
  #ownerKey(job: Job): string | undefined {
    const ref = (job.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
    if (!ref || ref.kind !== 'CronJob') return undefined;
    const cj = this.deps.cronJobs.namespace(job.metadata?.namespace ?? '').get(ref.name);
    return cj?.metadata?.uid === ref.uid ? objectKey(cj) : undefined;
  }

  #enqueueOwner(job: Job): void {
    const key = this.#ownerKey(job);
    if (key) this.queue.add(key);
  }

  /** A new schedule or zone moves the next sync to the new next time; other changes sync now. */
  #updateCronJob(old: CronJob, cur: CronJob): void {
    const tzChanged = old.spec?.timeZone !== undefined && cur.spec?.timeZone !== undefined && old.spec.timeZone !== cur.spec.timeZone;
    if (old.spec?.schedule === cur.spec?.schedule && !tzChanged) {
      this.queue.add(objectKey(cur));
      return;
    }
    try {
      const sched = { schedule: parseSchedule(cur.spec?.schedule ?? '', isKnownTimeZone), zone: cur.spec?.timeZone ?? '' };
      const delay = nextScheduleDelay(cur, this.deps.clock.now(), sched);
      if (delay !== undefined) this.queue.addAfter(objectKey(cur), delay);
    } catch {
      this.deps.recorder.event(cur, 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cur.spec?.schedule ?? ''}`);
    }
  }
}
