// The list-then-watch loop behind every informer (client-go's Reflector): list (paged) to get
// the state and a resourceVersion, watch from it with bookmarks, re-watch from the last seen
// resourceVersion when a watch ends, and relist only when that version is gone (410).
import { type Clock, realClock, sleep } from './clock.js';
import { isResourceExpired, statusErrorFrom } from './errors.js';
import type { ApiObject, ListOptions, ObjectList, Watch, WatchOptions } from './types.js';
import { StatusError } from '../apimachinery/errors.js';

/** The two calls a reflector makes; a Client bound to one resource and scope provides them. */
export interface ListerWatcher<T> {
  list(opts: ListOptions): Promise<ObjectList<T>>;
  watch(opts: WatchOptions): Promise<Watch<T>>;
}

/** Where the reflector delivers what it learns (the informer's cache and handlers). */
export interface ReflectorSink<T> {
  /** The complete state at `resourceVersion`, from a (re)list. */
  replace(items: T[], resourceVersion: string): void;
  added(obj: T): void;
  modified(obj: T): void;
  deleted(obj: T): void;
}

export interface ReflectorOptions {
  name?: string;
  clock?: Clock;
  /** Items per list page; default 500 as kubectl and client-go use. */
  pageSize?: number;
  /** Seconds each watch asks the server to stay open; default a random 300..600, as client-go spreads them. */
  watchTimeoutSeconds?: () => number;
  /** Retry delays after failures: initialMs doubling up to maxMs, with up to 100% jitter. Default 800 ms .. 30 s. */
  backoff?: { initialMs: number; maxMs: number };
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

type WatchOutcome = 'rewatch' | 'relist' | 'stop';

/** A watch that ends this fast without a single event counts as a failure (client-go's "very short watch"). */
const SHORT_WATCH_MS = 1000;

export class Reflector<T extends ApiObject> {
  readonly #lw: ListerWatcher<T>;
  readonly #sink: ReflectorSink<T>;
  readonly #opts: ReflectorOptions;
  readonly #clock: Clock;
  #lastResourceVersion = '';
  #failures = 0;

  constructor(lw: ListerWatcher<T>, sink: ReflectorSink<T>, opts: ReflectorOptions = {}) {
    this.#lw = lw;
    this.#sink = sink;
    this.#opts = opts;
    this.#clock = opts.clock ?? realClock;
  }

  /** The resourceVersion of the last list, event or bookmark seen. */
  get lastResourceVersion(): string {
    return this.#lastResourceVersion;
  }

  /** Runs until `signal` aborts. Never throws: failures are logged and retried with backoff. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.#list(signal))) continue;
      let outcome: WatchOutcome = 'rewatch';
      while (outcome === 'rewatch' && !signal.aborted) outcome = await this.#watch(signal);
    }
  }

  async #list(signal: AbortSignal): Promise<boolean> {
    let list: ObjectList<T>;
    try {
      list = await this.#lw.list({ limit: this.#opts.pageSize ?? 500, allPages: true, signal });
    } catch (err) {
      if (signal.aborted) return false;
      this.#log('list failed', err);
      await this.#backoff(signal);
      return false;
    }
    if (signal.aborted) return false;
    const rv = list.metadata?.resourceVersion ?? '';
    this.#sink.replace(list.items, rv);
    this.#lastResourceVersion = rv;
    this.#failures = 0;
    return true;
  }

  async #watch(signal: AbortSignal): Promise<WatchOutcome> {
    const timeoutSeconds = this.#opts.watchTimeoutSeconds?.() ?? 300 + Math.floor(Math.random() * 300);
    let watch: Watch<T>;
    const started = this.#clock.now();
    try {
      watch = await this.#lw.watch({ resourceVersion: this.#lastResourceVersion, allowWatchBookmarks: true, timeoutSeconds, signal });
    } catch (err) {
      if (signal.aborted) return 'stop';
      if (isResourceExpired(err)) return 'relist';
      this.#log('watch failed', err);
      await this.#backoff(signal);
      // A refused connection may come back with the same history; any other answer calls for a fresh list.
      return err instanceof StatusError ? 'relist' : 'rewatch';
    }
    let events = 0;
    try {
      for await (const event of watch) {
        events++;
        if (event.type === 'ERROR') {
          const err = statusErrorFrom(event.object);
          if (isResourceExpired(err)) return 'relist';
          this.#log('watch error event', err);
          await this.#backoff(signal);
          return 'relist';
        }
        const obj = event.object;
        if (event.type === 'ADDED') this.#sink.added(obj);
        else if (event.type === 'MODIFIED') this.#sink.modified(obj);
        else if (event.type === 'DELETED') this.#sink.deleted(obj);
        const rv = obj.metadata?.resourceVersion;
        if (rv) this.#lastResourceVersion = rv;
      }
    } catch (err) {
      if (signal.aborted) return 'stop';
      this.#log('watch stream broke', err);
      await this.#backoff(signal);
      return 'rewatch';
    } finally {
      watch.stop();
    }
    if (signal.aborted) return 'stop';
    if (events === 0 && this.#clock.now() - started < SHORT_WATCH_MS) {
      await this.#backoff(signal);
      return 'rewatch';
    }
    this.#failures = 0;
    return 'rewatch';
  }

  async #backoff(signal: AbortSignal): Promise<void> {
    const { initialMs, maxMs } = this.#opts.backoff ?? { initialMs: 800, maxMs: 30_000 };
    const base = Math.min(maxMs, initialMs * 2 ** this.#failures);
    this.#failures = Math.min(this.#failures + 1, 30);
    await sleep(this.#clock, base * (1 + Math.random()), signal);
  }

  #log(msg: string, err: unknown): void {
    this.#opts.log?.(msg, { informer: this.#opts.name, resourceVersion: this.#lastResourceVersion, error: err instanceof Error ? err.message : String(err) });
  }
}
