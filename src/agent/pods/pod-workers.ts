// One serialized worker per pod uid (the kubelet's podWorkers): syncs of the same pod never
// overlap, an update arriving mid-sync runs one more sync after it (updates coalesce), and a
// sync can ask to run again later (a backoff window closing). Syncs of different pods run in
// parallel. Time comes from an injected Clock so tests move it by hand.
import type { Clock, TimerHandle } from '../../client/clock.js';

export interface WorkerResult {
  /** Run again after this long. */
  requeueAfterMs?: number;
  /** The pod is finished with: drop the worker (a later update starts a new one). */
  done?: boolean;
}

export type SyncFn = (uid: string) => Promise<WorkerResult>;

interface Worker {
  running: boolean;
  pending: boolean;
  timer?: TimerHandle;
  due?: number;
}

export interface PodWorkersOptions {
  clock: Clock;
  sync: SyncFn;
  /** Delay before retrying a sync that threw; default 5 s. */
  errorBackoffMs?: number;
  onError?: (uid: string, err: unknown) => void;
}

export class PodWorkers {
  readonly #opts: PodWorkersOptions;
  readonly #workers = new Map<string, Worker>();
  readonly #idle = new Set<() => void>();
  #stopped = false;

  constructor(opts: PodWorkersOptions) {
    this.#opts = opts;
  }

  /** Uids with a worker (syncing, pending, or waiting for a timer). */
  get uids(): string[] {
    return [...this.#workers.keys()];
  }

  has(uid: string): boolean {
    return this.#workers.has(uid);
  }

  /** Syncs `uid` now (or right after the sync in progress). */
  update(uid: string): void {
    if (this.#stopped) return;
    const w = this.#worker(uid);
    this.#clearTimer(w);
    w.pending = true;
    if (!w.running) void this.#run(uid, w);
  }

  /** Syncs `uid` after `ms` unless something syncs it earlier. */
  updateAfter(uid: string, ms: number): void {
    if (this.#stopped) return;
    const w = this.#worker(uid);
    const due = this.#opts.clock.now() + ms;
    if (w.timer && w.due !== undefined && w.due <= due) return;
    this.#clearTimer(w);
    w.due = due;
    w.timer = this.#opts.clock.setTimeout(() => {
      w.timer = undefined;
      w.due = undefined;
      this.update(uid);
    }, ms);
  }

  #worker(uid: string): Worker {
    let w = this.#workers.get(uid);
    if (!w) {
      w = { running: false, pending: false };
      this.#workers.set(uid, w);
    }
    return w;
  }

  #clearTimer(w: Worker): void {
    if (w.timer) this.#opts.clock.clearTimeout(w.timer);
    w.timer = undefined;
    w.due = undefined;
  }

  async #run(uid: string, w: Worker): Promise<void> {
    w.running = true;
    try {
      while (w.pending && !this.#stopped) {
        w.pending = false;
        let result: WorkerResult;
        try {
          result = await this.#opts.sync(uid);
        } catch (err) {
          this.#opts.onError?.(uid, err);
          result = { requeueAfterMs: this.#opts.errorBackoffMs ?? 5000 };
        }
        if (result.done && !w.pending) {
          this.#clearTimer(w);
          this.#workers.delete(uid);
          return;
        }
        if (result.requeueAfterMs !== undefined && !w.pending) this.updateAfter(uid, result.requeueAfterMs);
      }
    } finally {
      w.running = false;
      this.#notifyIdle();
    }
  }

  #notifyIdle(): void {
    if ([...this.#workers.values()].some((w) => w.running)) return;
    for (const resolve of this.#idle) resolve();
    this.#idle.clear();
  }

  /** Resolves once no sync is running (tests: let the workers settle). */
  idle(): Promise<void> {
    if (![...this.#workers.values()].some((w) => w.running)) return Promise.resolve();
    return new Promise((resolve) => this.#idle.add(resolve));
  }

  /** Stops starting syncs and cancels timers; resolves when running syncs finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const w of this.#workers.values()) this.#clearTimer(w);
    await this.idle();
  }
}
