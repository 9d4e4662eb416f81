// One client watch on the cache: turns buffered changes into ADDED/MODIFIED/DELETED as seen
// through the watcher's prefix and predicate, and delivers them in order. An idle consumer gets
// each event at once; a consumer that returned a promise (still writing to a slow client) gets
// later events queued, so it never holds up the others, and is terminated when the queue grows
// past its limit (the client watches again), like Kubernetes' cacheWatcher.
import type { BufferedEvent } from './event-buffer.js';
import { withResourceVersion } from './object-meta.js';
import {
  type CacheableObject,
  type CacherEvent,
  type CacherObjectEvent,
  type Predicate,
  WatchTerminated,
} from './types.js';

/** The event as seen by a watcher with this prefix and predicate, or null when it sees nothing.
 *  An object that stops matching is DELETED (last matching state, the event's resourceVersion);
 *  one that starts matching is ADDED. */
export function viewEvent<T extends CacheableObject>(
  event: BufferedEvent<T>,
  prefix: string,
  predicate: Predicate<T> | undefined,
  deletedObject: (event: BufferedEvent<T>) => T,
): CacherObjectEvent<T> | null {
  if (!event.key.startsWith(prefix)) return null;
  const { object, prevObject, key, revision } = event;
  const now = object !== null && (!predicate || predicate(object, key));
  const before = prevObject !== null && (!predicate || predicate(prevObject, key));
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: object as T, key, revision };
  if (before) return { type: 'DELETED', object: deletedObject(event), key, revision };
  return null;
}

/** The previous object with the delete's resourceVersion, made once per event. */
const deletedObjects = new WeakMap<object, object>();
export function deletedObjectOf<T extends CacheableObject>(event: BufferedEvent<T>): T {
  let obj = deletedObjects.get(event) as T | undefined;
  if (!obj) {
    obj = withResourceVersion(event.prevObject as T, event.revision);
    deletedObjects.set(event, obj);
  }
  return obj;
}

export interface CacheWatcherConfig<T> {
  prefix: string;
  predicate?: Predicate<T>;
  allowBookmarks: boolean;
  queueLimit: number;
  onEvent: (event: CacherEvent<T>) => void | Promise<void>;
  onError?: (err: WatchTerminated) => void;
  /** Called once when the watcher ends for any reason (the cacher forgets it). */
  onClosed: () => void;
}

export class CacheWatcher<T extends CacheableObject> {
  readonly #cfg: CacheWatcherConfig<T>;
  /** Events up to this revision are already covered by the initial events. */
  readonly #since: number;
  #initial: CacherEvent<T>[];
  #initialPos = 0;
  #queue: CacherEvent<T>[] = [];
  #head = 0;
  /** Revision of the last event or bookmark queued: no bookmark at or below it is useful. */
  #lastSent: number;
  #started = false;
  #scheduled = false;
  #busy = false;
  #closed = false;

  constructor(cfg: CacheWatcherConfig<T>, initial: CacherEvent<T>[], since: number) {
    this.#cfg = cfg;
    this.#initial = initial;
    this.#since = since;
    this.#lastSent = since;
  }

  get wantsBookmarks(): boolean {
    return this.#cfg.allowBookmarks && !this.#closed;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Live events waiting for the consumer. */
  get backlog(): number {
    return this.#queue.length - this.#head;
  }

  /** Begin delivering, after the caller of watch() has its handle. */
  start(): void {
    this.#started = true;
    this.#scheduled = true;
    setImmediate(() => this.#drain());
  }

  offer(event: BufferedEvent<T>): void {
    if (this.#closed || event.revision <= this.#since) return;
    const seen = viewEvent(event, this.#cfg.prefix, this.#cfg.predicate, deletedObjectOf);
    if (!seen) return;
    // Only a consumer still working on an earlier event (its promise pending) is behind; events
    // waiting for our own first delivery turn do not count against it.
    if (this.#busy && this.backlog >= this.#cfg.queueLimit) {
      this.terminate(
        new WatchTerminated('overflow', `watcher fell more than ${this.#cfg.queueLimit} events behind; watch again`),
      );
      return;
    }
    this.#enqueue(seen, event.revision);
  }

  /** Queues a bookmark when bookmarks were asked for, the revision is news and nothing is waiting. */
  offerBookmark(revision: number): boolean {
    if (this.#closed || !this.#cfg.allowBookmarks || revision <= this.#lastSent || this.backlog > 0) return false;
    this.#enqueue({ type: 'BOOKMARK', revision }, revision);
    return true;
  }

  /** End the watch from the cacher's side; onError runs on a later microtask, never re-entrantly. */
  terminate(err: WatchTerminated): void {
    if (!this.#close()) return;
    const onError = this.#cfg.onError;
    if (onError) queueMicrotask(() => onError(err));
  }

  /** End the watch from the consumer's side: no callbacks after this returns. */
  stop(): void {
    this.#close();
  }

  #close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    this.#initial = [];
    this.#queue = [];
    this.#head = 0;
    this.#cfg.onClosed();
    return true;
  }

  #enqueue(event: CacherEvent<T>, revision: number): void {
    this.#queue.push(event);
    this.#lastSent = revision;
    // Delivered at once when the consumer is idle: a synchronous consumer never builds a queue.
    if (this.#started && !this.#scheduled && !this.#busy) this.#drain();
  }

  #next(): CacherEvent<T> | undefined {
    if (this.#initialPos < this.#initial.length) {
      const event = this.#initial[this.#initialPos++];
      if (this.#initialPos === this.#initial.length) this.#initial = [];
      return event;
    }
    if (this.#head >= this.#queue.length) return undefined;
    const event = this.#queue[this.#head++];
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return event;
  }

  #drain(): void {
    this.#scheduled = false;
    while (!this.#closed && !this.#busy) {
      const event = this.#next();
      if (!event) return;
      let result: void | Promise<void>;
      try {
        result = this.#cfg.onEvent(event);
      } catch (err) {
        this.terminate(new WatchTerminated('consumer-error', 'watch consumer threw', err));
        return;
      }
      if (result && typeof result.then === 'function') {
        this.#busy = true;
        result.then(
          () => {
            this.#busy = false;
            this.#drain();
          },
          (err: unknown) => {
            this.#busy = false;
            this.terminate(new WatchTerminated('consumer-error', 'watch consumer failed', err));
          },
        );
        return;
      }
    }
  }
}
