// The contract every kite store backend (memory, sqlite, etcd) fulfils: etcd's semantics.
//
// - One global revision, increased by exactly one on every successful write (create, update, delete).
// - Every key remembers the revision that created it (createRevision) and the one that last
//   changed it (modRevision). The apiserver uses modRevision as the object's resourceVersion.
// - Writes are compare-and-swap on modRevision; creates are create-if-absent.
// - A watch from revision R delivers every event with revision > R, in revision order, exactly once.
// - compact(R) forgets history at revisions < R (etcd's meaning); a read or watch that needs it
//   fails with StoreError code "Expired" (the apiserver turns that into 410 Gone).

/** Largest value a backend accepts, like etcd's default --max-request-bytes (1.5 MiB). */
export const MAX_VALUE_BYTES = 1.5 * 1024 * 1024;

export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the write that created this key (since its last deletion). */
  createRevision: number;
  /** Revision of the last write to this key; the object's resourceVersion. */
  modRevision: number;
}

export type WatchEventType = 'PUT' | 'DELETE';

export interface WatchEvent {
  type: WatchEventType;
  /** For PUT: the new value. For DELETE: the key with the value and createRevision it had
   *  when deleted, modRevision set to the delete's revision. */
  kv: KeyValue;
  /** The value before this event; absent on a create. */
  prevKv?: KeyValue;
  /** The revision of the write; equals kv.modRevision. */
  revision: number;
}

export interface ListOptions {
  /** Maximum number of items; 0 or undefined means all. */
  limit?: number;
  /** Start listing at this key (inclusive); used for continue tokens. Must lie under the prefix. */
  startKey?: string;
  /** Read at this revision (must not be compacted); 0 or undefined means the current revision. */
  revision?: number;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was read at. Pass it back with the next page for a consistent read. */
  revision: number;
  /** True when more keys follow the last item returned. */
  more: boolean;
}

export interface GetOptions {
  /** Read at this revision; 0 or undefined means current. */
  revision?: number;
}

export interface WatchOptions {
  /** Deliver every event with revision > afterRevision. */
  afterRevision: number;
  /** Called with events in revision order, batches never reordered. */
  onEvents: (events: WatchEvent[]) => void;
  /** Called at most once, after which no more events arrive (e.g. Expired when afterRevision is compacted). */
  onError: (err: StoreError) => void;
  /** Progress notification (etcd's): every event with revision <= `revision` has been delivered.
   *  Sent after requestProgress(); lets a watch cache serve consistent reads without a store read. */
  onProgress?: (revision: number) => void;
}

export interface Watch {
  /** Stop the watch; no callbacks run after cancel returns. */
  cancel(): void;
  /** Ask for an onProgress call (backends that support it: memory, sqlite, etcd). */
  requestProgress?(): void;
}

export interface Store {
  /** Backend name for logs and metrics: "memory", "sqlite", "etcd". */
  readonly backend: string;
  /** The latest revision (0 for an empty store). */
  currentRevision(): Promise<number>;
  /** The oldest revision still readable (the compaction point); 0 or 1 when nothing was compacted. */
  compactedRevision(): Promise<number>;
  get(key: string, opts?: GetOptions): Promise<KeyValue | null>;
  /** Keys with the given prefix, sorted by key, at one consistent revision. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Number of keys under the prefix at the current revision. */
  count(prefix: string): Promise<number>;
  /** Create if absent; throws StoreError "KeyExists" otherwise. */
  create(key: string, value: Uint8Array): Promise<KeyValue>;
  /** Replace if modRevision matches; throws "Conflict" (with the current kv) or "NotFound". */
  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue>;
  /** Delete, if expectedModRevision is given only when it matches. Returns the deleted kv
   *  with modRevision set to the delete's revision. Throws "NotFound" or "Conflict". */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  watch(prefix: string, opts: WatchOptions): Watch;
  /** Forget history older than `revision` (revisions < revision can no longer be read or watched). */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}

export type StoreErrorCode = 'KeyExists' | 'NotFound' | 'Conflict' | 'Expired' | 'TooLarge' | 'Unavailable' | 'Closed';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly key?: string;
  /** For Conflict: the current value, so callers can retry without another read. */
  readonly current?: KeyValue;
  constructor(code: StoreErrorCode, message: string, opts: { key?: string; current?: KeyValue; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.name = 'StoreError';
    this.code = code;
    this.key = opts.key;
    this.current = opts.current;
  }
}

export const isStoreError = (err: unknown, code?: StoreErrorCode): err is StoreError =>
  err instanceof StoreError && (code === undefined || err.code === code);

/** The key that follows every key with this prefix (etcd's range_end for a prefix). */
export function prefixEnd(prefix: string): string {
  return prefix + '\u{10FFFF}';
}

export function checkValueSize(key: string, value: Uint8Array): void {
  if (value.byteLength > MAX_VALUE_BYTES) {
    throw new StoreError(
      'TooLarge',
      `value for key ${key} is ${value.byteLength} bytes; the limit is ${MAX_VALUE_BYTES} bytes`,
      { key },
    );
  }
}
