// A small in-memory Store with etcd semantics, for the cacher's tests and benchmark only (the real
// backends live in ../memory, ../sqlite, ../etcd). Events are delivered asynchronously in batches,
// like a real backend; progress notifications can be switched on; watch failures can be injected.
import {
  type GetOptions,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  StoreError,
  type StoreErrorCode,
  type WatchEvent,
  type WatchOptions,
} from '../store.js';
import { compareKeys } from '../key-order.js';
import type { ProgressWatch, ProgressWatchOptions } from './types.js';

interface FakeWatch {
  prefix: string;
  opts: ProgressWatchOptions;
  pending: WatchEvent[];
  progressRequested: boolean;
  scheduled: boolean;
  closed: boolean;
}

export interface FakeStoreOptions {
  /** Support onProgress/requestProgress. Default true. */
  progressNotify?: boolean;
  /** Largest batch handed to onEvents. Default 100. */
  batchSize?: number;
}

export class FakeStore implements Store {
  readonly backend = 'fake';
  readonly #progressNotify: boolean;
  readonly #batchSize: number;
  #revision = 0;
  #compacted = 0;
  readonly #current = new Map<string, KeyValue>();
  readonly #history: WatchEvent[] = [];
  readonly #watches = new Set<FakeWatch>();
  /** Calls per method, for tests that check where a read was served from. */
  readonly calls = { list: 0, get: 0, watch: 0, currentRevision: 0 };

  constructor(opts: FakeStoreOptions = {}) {
    this.#progressNotify = opts.progressNotify ?? true;
    this.#batchSize = opts.batchSize ?? 100;
  }

  /** The history under a prefix after a revision (what a watch from there must deliver). */
  events(prefix: string, afterRevision: number): WatchEvent[] {
    return this.#history.filter((e) => e.revision > afterRevision && e.kv.key.startsWith(prefix));
  }

  get activeWatches(): number {
    return this.#watches.size;
  }

  async currentRevision(): Promise<number> {
    this.calls.currentRevision++;
    return this.#revision;
  }

  async compactedRevision(): Promise<number> {
    return this.#compacted;
  }

  async get(key: string, opts: GetOptions = {}): Promise<KeyValue | null> {
    this.calls.get++;
    return this.#stateAt(opts.revision).get(key) ?? null;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.calls.list++;
    const revision = opts.revision || this.#revision;
    const state = this.#stateAt(opts.revision);
    const keys = [...state.keys()].filter((k) => k.startsWith(prefix) && (!opts.startKey || compareKeys(k, opts.startKey) >= 0)).sort(compareKeys);
    const limit = opts.limit || keys.length;
    return { items: keys.slice(0, limit).map((k) => state.get(k) as KeyValue), revision, more: keys.length > limit };
  }

  async count(prefix: string): Promise<number> {
    return [...this.#current.keys()].filter((k) => k.startsWith(prefix)).length;
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    if (this.#current.has(key)) throw new StoreError('KeyExists', `key ${key} exists`, { key });
    const rev = ++this.#revision;
    const kv: KeyValue = { key, value, createRevision: rev, modRevision: rev };
    this.#current.set(key, kv);
    this.#emit({ type: 'PUT', kv, revision: rev });
    return kv;
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    const prev = this.#current.get(key);
    if (!prev) throw new StoreError('NotFound', `key ${key} not found`, { key });
    if (prev.modRevision !== expectedModRevision) throw new StoreError('Conflict', 'conflict', { key, current: prev });
    const rev = ++this.#revision;
    const kv: KeyValue = { key, value, createRevision: prev.createRevision, modRevision: rev };
    this.#current.set(key, kv);
    this.#emit({ type: 'PUT', kv, prevKv: prev, revision: rev });
    return kv;
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    const prev = this.#current.get(key);
    if (!prev) throw new StoreError('NotFound', `key ${key} not found`, { key });
    if (expectedModRevision !== undefined && prev.modRevision !== expectedModRevision) {
      throw new StoreError('Conflict', 'conflict', { key, current: prev });
    }
    const rev = ++this.#revision;
    this.#current.delete(key);
    const kv: KeyValue = { ...prev, modRevision: rev };
    this.#emit({ type: 'DELETE', kv, prevKv: prev, revision: rev });
    return kv;
  }

  watch(prefix: string, opts: WatchOptions): ProgressWatch {
    this.calls.watch++;
    const w: FakeWatch = { prefix, opts, pending: [], progressRequested: false, scheduled: false, closed: false };
    if (opts.afterRevision + 1 < this.#compacted) {
      setImmediate(() => opts.onError(new StoreError('Expired', `revision ${opts.afterRevision} has been compacted`)));
      return { cancel: () => {} };
    }
    w.pending = this.#history.filter((e) => e.revision > opts.afterRevision && e.kv.key.startsWith(prefix));
    this.#watches.add(w);
    this.#schedule(w);
    const handle: ProgressWatch = {
      cancel: () => {
        w.closed = true;
        this.#watches.delete(w);
      },
    };
    if (this.#progressNotify) {
      handle.requestProgress = () => {
        w.progressRequested = true;
        this.#schedule(w);
      };
    }
    return handle;
  }

  async compact(revision: number): Promise<void> {
    this.#compacted = Math.max(this.#compacted, revision);
  }

  async close(): Promise<void> {
    this.failWatches('Closed');
  }

  /** End every watch with this error, as a broken connection or compaction would. */
  failWatches(code: StoreErrorCode): void {
    for (const w of [...this.#watches]) {
      w.closed = true;
      this.#watches.delete(w);
      setImmediate(() => w.opts.onError(new StoreError(code, `injected ${code}`)));
    }
  }

  #emit(event: WatchEvent): void {
    this.#history.push(event);
    for (const w of this.#watches) {
      if (!event.kv.key.startsWith(w.prefix)) continue;
      w.pending.push(event);
      this.#schedule(w);
    }
  }

  #schedule(w: FakeWatch): void {
    if (w.scheduled) return;
    w.scheduled = true;
    setImmediate(() => this.#flush(w));
  }

  #flush(w: FakeWatch): void {
    w.scheduled = false;
    while (!w.closed && w.pending.length > 0) w.opts.onEvents(w.pending.splice(0, this.#batchSize));
    if (!w.closed && w.progressRequested) {
      w.progressRequested = false;
      w.opts.onProgress?.(this.#revision);
    }
  }

  /** Keys and values at a revision (replays the history: fine for tests). */
  #stateAt(revision?: number): Map<string, KeyValue> {
    if (!revision || revision === this.#revision) return this.#current;
    if (revision < this.#compacted) throw new StoreError('Expired', `revision ${revision} has been compacted`);
    if (revision > this.#revision) throw new StoreError('Unavailable', `revision ${revision} is a future revision`);
    const state = new Map<string, KeyValue>();
    for (const e of this.#history) {
      if (e.revision > revision) break;
      if (e.type === 'PUT') state.set(e.kv.key, e.kv);
      else state.delete(e.kv.key);
    }
    return state;
  }
}
