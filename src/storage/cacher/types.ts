// Public types of the watch cache (Cacher): what the apiserver passes in and gets back.
import type { KeyValue, Store, Watch, WatchOptions } from '../store.js';

/** What the cacher needs from a stored object: a place for its resourceVersion. */
export interface CacheableObject {
  metadata?: { resourceVersion?: string };
}

/** Filters objects for a list or a watch (label and field selectors). Gets the object and its key. */
export type Predicate<T> = (obj: T, key: string) => boolean;

export interface Logger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface CacherOptions<T extends CacheableObject> {
  store: Store;
  /** The resource prefix this cacher serves, ending in "/": "/registry/pods/". */
  prefix: string;
  /** Decodes a stored value once; the cacher then sets metadata.resourceVersion = String(modRevision). */
  decode: (kv: KeyValue) => T;
  /** Ring buffer size for watch resumption (events). Default 10,000. */
  eventCapacity?: number;
  /** Drop buffered events older than this (ms). Default: no age limit, only the capacity. */
  maxEventAgeMs?: number;
  /** How often watchers that asked for bookmarks get one. Default 1,000 ms (Kubernetes: ~1 min). */
  bookmarkIntervalMs?: number;
  /** Events that may queue up while a watcher's consumer is busy (its onEvent promise pending)
   *  before the watcher is terminated as too slow. Default 10,000. */
  watcherQueueLimit?: number;
  /** Page size of the initial list from the store. Default 1,000. */
  listPageSize?: number;
  /** How long a read waits for the cache to reach a revision before giving up (504). Default 3,000 ms. */
  waitTimeoutMs?: number;
  /** How long watch() waits for the initial list before answering 429. Default 3,000 ms. */
  readyTimeoutMs?: number;
  /** After (re)listing at revision R, also buffer the store's events in (R - primeWindow, R] so that
   *  watches from shortly before the list (clients of a restarted server) resume instead of getting
   *  410 and relisting. Costs two decodes per primed event at start. 0 disables. Default 1,000. */
  primeWindow?: number;
  logger?: Logger;
  /** Injected for tests. */
  now?: () => number;
}

export type ResourceVersionMatch = '' | 'NotOlderThan' | 'Exact';

export interface CacherListOptions<T> {
  /** Defaults to the cacher's prefix; a namespace list passes "/registry/pods/ns/". */
  prefix?: string;
  predicate?: Predicate<T>;
  /** 0 or undefined: everything. */
  limit?: number;
  /** The `continue` query parameter. */
  continueToken?: string;
  /** The `resourceVersion` query parameter, as sent ("" or undefined: a consistent read). */
  resourceVersion?: string;
  resourceVersionMatch?: ResourceVersionMatch;
}

export interface CacherListResult<T> {
  /** Shared with the cache: never mutate them (copy before changing). */
  items: T[];
  /** The list's metadata.resourceVersion. */
  revision: number;
  /** The list's metadata.continue, when more items follow. */
  continueToken?: string;
  /** metadata.remainingItemCount, set only for unfiltered pages when the count is known. */
  remainingItemCount?: number;
}

export type CacherObjectEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacherObjectEvent<T> {
  type: CacherObjectEventType;
  /** Shared with the cache: never mutate it. DELETED carries the last state with the delete's resourceVersion. */
  object: T;
  key: string;
  /** The revision of the change (for synthetic ADDED events: the object's modRevision). */
  revision: number;
}

export interface CacherBookmarkEvent {
  type: 'BOOKMARK';
  revision: number;
  /** Set on the bookmark that follows the initial events of a watch (for `k8s.io/initial-events-end`). */
  initialEventsEnd?: boolean;
}

export type CacherEvent<T> = CacherObjectEvent<T> | CacherBookmarkEvent;

export interface CacherWatchOptions<T> {
  /** Defaults to the cacher's prefix; a namespace watch passes "/registry/pods/ns/". */
  prefix?: string;
  /** Deliver changes after this revision. 0 or undefined: synthetic ADDED for every current
   *  matching object first, then the changes. */
  afterRevision?: number;
  /** With afterRevision 0/undefined: first catch up with the store's current revision (RV ""). */
  consistent?: boolean;
  predicate?: Predicate<T>;
  allowBookmarks?: boolean;
  /** Called in order, at once when the consumer is idle. Returning a promise holds back the next
   *  event until it settles (backpressure); events queue meanwhile, up to watcherQueueLimit. */
  onEvent: (event: CacherEvent<T>) => void | Promise<void>;
  /** Called at most once when the cacher ends the watch; no events follow. The client should re-watch. */
  onError?: (err: WatchTerminated) => void;
}

export interface CacherWatch {
  /** Stop delivering events; no callbacks run after stop returns. */
  stop(): void;
}

export type WatchTerminationReason = 'overflow' | 'reset' | 'stopped' | 'consumer-error';

/** Why the cacher ended a watch. The apiserver closes the stream; clients watch again. */
export class WatchTerminated extends Error {
  readonly reason: WatchTerminationReason;
  constructor(reason: WatchTerminationReason, message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'WatchTerminated';
    this.reason = reason;
  }
}

/** Optional store extension, like etcd's progress notifications. A store whose watch accepts
 *  onProgress and returns requestProgress lets the cacher learn that it has seen every event up
 *  to a revision even when the revisions in between belong to other prefixes. Without it,
 *  consistent reads that find the cache behind the store are served by the store. */
export interface ProgressWatchOptions extends WatchOptions {
  /** All events with revision <= `revision` have been delivered. */
  onProgress?: (revision: number) => void;
}

export interface ProgressWatch extends Watch {
  /** Ask for an onProgress call with the current revision, after pending events. */
  requestProgress?: () => void;
}
