// The watch cache for one resource prefix, like Kubernetes' Cacher: it lists the prefix once,
// keeps every object decoded in memory, follows the store's watch, and serves LIST, GET and WATCH
// from memory. The store is only asked for what the cache cannot answer (revisions older than its
// buffer, consistent reads it cannot prove fresh, and reads while it (re)initializes).
import { serviceUnavailable } from '../../apimachinery/errors.js';
import type { KeyValue, Store, StoreError, WatchEvent } from '../store.js';
import { CacheState } from './cache-state.js';
import { CacheWatcher } from './cache-watcher.js';
import { CacheReader } from './cache-reader.js';
import { keyAfter } from './continue-token.js';
import { initializing, tooLargeResourceVersion } from './errors.js';
import { type BufferedEvent, EventBuffer } from './event-buffer.js';
import { initialEvents } from './initial-events.js';
import { parseResourceVersion } from './list-plan.js';
import { setResourceVersion } from './object-meta.js';
import {
  type CacheableObject,
  type CacherListOptions,
  type CacherListResult,
  type CacherOptions,
  type CacherWatch,
  type CacherWatchOptions,
  type Logger,
  type ProgressWatch,
  type ProgressWatchOptions,
  WatchTerminated,
} from './types.js';
import { ReadyGate, RevisionWaiters } from './waiters.js';

/** Events at or below the list revision replayed to fill the buffer after a (re)list. */
interface Priming {
  listRevision: number;
  from: number;
  /** An event could not be decoded: the buffer cannot vouch for the primed range. */
  broken: boolean;
}

const consoleLogger: Logger = { warn: (obj, msg) => console.warn(`cacher: ${msg}`, obj) };
const MIN_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;
const stoppedError = (): Error => serviceUnavailable('the watch cache was stopped');

export class Cacher<T extends CacheableObject> {
  readonly prefix: string;
  readonly #store: Store;
  readonly #decode: (kv: KeyValue) => T;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #bookmarkIntervalMs: number;
  readonly #watcherQueueLimit: number;
  readonly #listPageSize: number;
  readonly #waitTimeoutMs: number;
  readonly #readyTimeoutMs: number;
  readonly #primeWindow: number;
  readonly #state = new CacheState<T>();
  readonly #buffer: EventBuffer<T>;
  readonly #watchers = new Set<CacheWatcher<T>>();
  readonly #waiters = new RevisionWaiters();
  readonly #ready = new ReadyGate();
  readonly #reader: CacheReader<T>;
  #revision = 0;
  #started = false;
  #stopped = false;
  #generation = 0;
  #storeWatch: ProgressWatch | null = null;
  #supportsProgress = false;
  #priming: Priming | null = null;
  #retryMs = MIN_RETRY_MS;
  #bookmarkTimer: NodeJS.Timeout | null = null;
  #retryTimer: NodeJS.Timeout | null = null;

  constructor(opts: CacherOptions<T>) {
    if (!opts.prefix.endsWith('/')) throw new Error(`cacher prefix must end in "/": ${opts.prefix}`);
    this.prefix = opts.prefix;
    this.#store = opts.store;
    this.#decode = opts.decode;
    this.#logger = opts.logger ?? consoleLogger;
    this.#now = opts.now ?? Date.now;
    const capacity = opts.eventCapacity ?? 10_000;
    this.#buffer = new EventBuffer<T>(capacity, opts.maxEventAgeMs ?? Infinity, this.#now);
    this.#bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 1_000;
    this.#watcherQueueLimit = opts.watcherQueueLimit ?? 10_000;
    this.#listPageSize = opts.listPageSize ?? 1_000;
    this.#waitTimeoutMs = opts.waitTimeoutMs ?? 3_000;
    this.#readyTimeoutMs = opts.readyTimeoutMs ?? 3_000;
    this.#primeWindow = Math.min(opts.primeWindow ?? 1_000, capacity);
    this.#reader = new CacheReader<T>({
      store: this.#store,
      prefix: this.prefix,
      state: this.#state,
      buffer: this.#buffer,
      pageSize: this.#listPageSize,
      decode: (kv) => this.#decodeKv(kv),
      status: () => ({ ready: this.#ready.isOpen, revision: this.#revision }),
      catchUp: () => this.#catchUpWithStore(),
      waitForRevision: (rev) => this.waitForRevision(rev),
    });
  }

  /** The revision the cache reflects (advanced by events and by the store's progress notifications). */
  get revision(): number {
    return this.#revision;
  }

  /** The oldest revision a watch can resume after (older ones get 410). */
  get oldestResumableRevision(): number {
    return this.#buffer.resumableFrom;
  }

  get isReady(): boolean {
    return this.#ready.isOpen;
  }

  /** Number of watchers currently attached (for metrics and tests). */
  get watcherCount(): number {
    return this.#watchers.size;
  }

  /** Start listing and watching; resolves once the cache is first ready (retries store errors). */
  start(): Promise<void> {
    if (this.#stopped) return Promise.reject(stoppedError());
    if (!this.#started) {
      this.#started = true;
      this.#bookmarkTimer = setInterval(() => this.#tick(), this.#bookmarkIntervalMs);
      this.#bookmarkTimer.unref();
      this.#run(true);
    }
    return this.#ready.wait(Infinity, initializing);
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#ready.fail(stoppedError());
    this.#generation++;
    this.#storeWatch?.cancel();
    this.#storeWatch = null;
    if (this.#bookmarkTimer) clearInterval(this.#bookmarkTimer);
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#terminateWatchers('stopped', 'the watch cache was stopped');
    this.#waiters.rejectAll(stoppedError());
  }

  /** LIST with Kubernetes' resourceVersion / resourceVersionMatch / limit / continue semantics.
   *  Errors are StatusErrors (400 bad parameters, 410 expired, 504 too large resource version). */
  async list(opts: CacherListOptions<T> = {}): Promise<CacherListResult<T>> {
    return this.#reader.list(opts, this.#checkPrefix(opts.prefix));
  }

  /** GET one object. resourceVersion "" reads the latest (consistent), "0" whatever the cache has,
   *  "N" a state not older than N. Returns null when absent. Never mutate the result. */
  async get(key: string, opts: { resourceVersion?: string } = {}): Promise<T | null> {
    if (!key.startsWith(this.prefix)) throw new Error(`key ${key} is not under ${this.prefix}`);
    return this.#reader.get(key, opts.resourceVersion ?? '');
  }

  /** Objects under the prefix at the cache's revision. */
  count(prefix?: string): number {
    return this.#state.count(this.#checkPrefix(prefix));
  }

  /** Resolves once the cache has reached `revision`; rejects with 504 "Too large resource version". */
  waitForRevision(revision: number, timeoutMs = this.#waitTimeoutMs): Promise<void> {
    if (this.#stopped) return Promise.reject(stoppedError());
    if (this.#ready.isOpen && this.#revision >= revision) return Promise.resolve();
    const waiting = this.#waiters.wait(revision, timeoutMs, () => tooLargeResourceVersion(revision, this.#revision));
    this.#storeWatch?.requestProgress?.();
    return waiting;
  }

  /** Watch changes. Throws 410 Expired when afterRevision is older than the buffer, 429 while the
   *  cache initializes for longer than readyTimeoutMs. */
  async watch(opts: CacherWatchOptions<T>): Promise<CacherWatch> {
    const prefix = this.#checkPrefix(opts.prefix);
    const after = opts.afterRevision ?? 0;
    if (after < 0 || !Number.isSafeInteger(after)) parseResourceVersion(String(after));
    await this.#ready.wait(this.#readyTimeoutMs, initializing);
    if (after === 0 && opts.consistent) await this.#catchUpWithStore();
    if (!this.#ready.isOpen) throw this.#stopped ? stoppedError() : initializing();
    const predicate = opts.predicate;
    const allowBookmarks = opts.allowBookmarks ?? false;
    const revision = this.#revision;
    const initial = initialEvents(this.#state, this.#buffer, { prefix, predicate, after, revision, allowBookmarks });
    const watcher: CacheWatcher<T> = new CacheWatcher<T>(
      {
        prefix,
        predicate,
        allowBookmarks,
        queueLimit: this.#watcherQueueLimit,
        onEvent: opts.onEvent,
        onError: opts.onError,
        onClosed: () => this.#watchers.delete(watcher),
      },
      initial,
      Math.max(after, revision),
    );
    this.#watchers.add(watcher);
    watcher.start();
    return { stop: () => watcher.stop() };
  }

  // ---- lifecycle: (re)list, follow the store's watch, reset on failure ----

  #run(prime: boolean): void {
    this.#initialize(prime).then(
      () => {
        this.#retryMs = MIN_RETRY_MS;
      },
      (err: unknown) => {
        if (this.#stopped) return;
        this.#logger.warn({ prefix: this.prefix, err: String(err) }, 'initial list failed; retrying');
        this.#retryLater(prime);
      },
    );
  }

  #retryLater(prime: boolean, delayMs = this.#retryMs): void {
    this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
    this.#retryTimer = setTimeout(() => this.#run(prime), delayMs);
    this.#retryTimer.unref();
  }

  async #initialize(prime: boolean): Promise<void> {
    const generation = ++this.#generation;
    const entries: Array<[string, { object: T; modRevision: number }]> = [];
    let revision = 0;
    let startKey: string | undefined;
    for (;;) {
      const page = await this.#store.list(this.prefix, { limit: this.#listPageSize, startKey, revision: revision || undefined });
      if (generation !== this.#generation) return;
      revision = page.revision;
      for (const kv of page.items) {
        const object = this.#decodeKv(kv);
        if (object) entries.push([kv.key, { object, modRevision: kv.modRevision }]);
      }
      if (!page.more || page.items.length === 0) break;
      startKey = keyAfter(page.items[page.items.length - 1].key);
    }
    let from = revision;
    if (prime && this.#primeWindow > 0 && revision > 0) {
      const compacted = await this.#store.compactedRevision();
      if (generation !== this.#generation) return;
      from = Math.max(compacted, revision - this.#primeWindow, 0);
    }
    this.#state.reset(entries);
    this.#buffer.reset(revision);
    this.#revision = revision;
    this.#priming = from < revision ? { listRevision: revision, from, broken: false } : null;
    const current = (): boolean => generation === this.#generation;
    const watchOpts: ProgressWatchOptions = {
      afterRevision: from,
      onEvents: (events) => current() && this.#onEvents(events),
      onError: (err) => current() && this.#onStoreError(err),
      onProgress: (rev) => current() && this.#onProgress(rev),
    };
    const watch: ProgressWatch = this.#store.watch(this.prefix, watchOpts);
    if (!current()) return; // the watch failed synchronously and a reset is under way
    this.#storeWatch = watch;
    this.#supportsProgress = typeof watch.requestProgress === 'function';
    if (this.#priming) watch.requestProgress?.();
    this.#ready.open();
    this.#resolveWaiters();
  }

  #onStoreError(err: StoreError): void {
    if (this.#stopped) return;
    this.#generation++;
    this.#storeWatch = null;
    if (err.code === 'Closed') {
      this.stop();
      return;
    }
    this.#ready.close();
    // A compaction racing the priming watch: list again without priming.
    const prime = !(this.#priming !== null && err.code === 'Expired');
    this.#logger.warn({ prefix: this.prefix, code: err.code, err: err.message }, 'store watch failed; re-listing');
    this.#terminateWatchers('reset', `the watch cache is re-listing after: ${err.message}`);
    if (err.code === 'Expired') this.#run(prime);
    else this.#retryLater(prime);
  }

  #onEvents(events: WatchEvent[]): void {
    for (const event of events) {
      if (event.revision <= this.#revision) {
        if (this.#priming) this.#bufferPrimingEvent(event);
        continue;
      }
      this.#endPriming();
      this.#apply(event);
    }
    this.#resolveWaiters();
  }

  #onProgress(revision: number): void {
    if (this.#priming && revision >= this.#priming.listRevision) this.#endPriming();
    if (revision <= this.#revision) return;
    this.#revision = revision;
    this.#resolveWaiters();
  }

  #apply(event: WatchEvent): void {
    const key = event.kv.key;
    const prev = this.#state.get(key);
    let object: T | null = null;
    if (event.type === 'PUT') {
      object = this.#decodeKv(event.kv);
      // An undecodable value must not leave a stale object behind: it leaves the cache.
      if (object) this.#state.set(key, { object, modRevision: event.kv.modRevision });
      else this.#state.delete(key);
    } else {
      this.#state.delete(key);
    }
    this.#revision = event.revision;
    if (!object && !prev) return;
    const buffered: BufferedEvent<T> = {
      revision: event.revision,
      key,
      object,
      prevObject: prev?.object ?? null,
      time: this.#now(),
    };
    this.#buffer.push(buffered);
    for (const watcher of this.#watchers) watcher.offer(buffered);
  }

  /** History from before the list: buffered for resumption, not applied (the list already has it). */
  #bufferPrimingEvent(event: WatchEvent): void {
    const priming = this.#priming as Priming;
    const object = event.type === 'PUT' ? this.#decodeKv(event.kv) : null;
    const prevKv = event.type === 'PUT' ? event.prevKv : (event.prevKv ?? event.kv);
    const prevObject = prevKv ? this.#decodeKv(prevKv) : null;
    if ((event.type === 'PUT' && !object) || (prevKv && !prevObject)) {
      priming.broken = true;
      return;
    }
    this.#buffer.push({ revision: event.revision, key: event.kv.key, object, prevObject, time: this.#now() });
  }

  /** Events after the list revision (or progress past it) prove the primed history is complete. */
  #endPriming(): void {
    const priming = this.#priming;
    if (!priming) return;
    this.#priming = null;
    if (!priming.broken) this.#buffer.setCoveredFrom(priming.from);
  }

  /** Bookmarks carry the latest revision; progress notifications (asked for only while someone
   *  wants bookmarks) move it past writes to other prefixes, so quiet resources stay resumable. */
  #tick(): void {
    if (!this.#ready.isOpen) return;
    let wanted = false;
    for (const watcher of this.#watchers) {
      if (!watcher.wantsBookmarks) continue;
      wanted = true;
      watcher.offerBookmark(this.#revision);
    }
    if (wanted) this.#storeWatch?.requestProgress?.();
  }

  // ---- helpers ----

  /** Consistent reads: true once the cache has every event up to the store's current revision. */
  async #catchUpWithStore(): Promise<boolean> {
    const current = await this.#store.currentRevision();
    if (this.#ready.isOpen && this.#revision >= current) return true;
    if (!this.#supportsProgress || !this.#ready.isOpen) return false;
    try {
      await this.waitForRevision(current);
      return this.#ready.isOpen;
    } catch {
      return false;
    }
  }

  #resolveWaiters(): void {
    if (this.#ready.isOpen) this.#waiters.release(this.#revision);
  }

  #terminateWatchers(reason: 'reset' | 'stopped', message: string): void {
    for (const watcher of [...this.#watchers]) watcher.terminate(new WatchTerminated(reason, message));
  }

  #decodeKv(kv: KeyValue): T | null {
    try {
      return setResourceVersion(this.#decode(kv), kv.modRevision);
    } catch (err) {
      this.#logger.warn({ key: kv.key, err: String(err) }, 'cannot decode stored object; leaving it out of the cache');
      return null;
    }
  }

  #checkPrefix(prefix: string | undefined): string {
    if (prefix === undefined) return this.prefix;
    if (!prefix.startsWith(this.prefix)) throw new Error(`prefix ${prefix} is not under ${this.prefix}`);
    return prefix;
  }
}
