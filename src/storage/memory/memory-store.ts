// In-memory Store with full MVCC history (until compacted): for tests and throwaway clusters.
// Every write is applied synchronously, so writes are totally ordered by call order.
import {
  StoreError, checkValueSize,
  type GetOptions, type KeyValue, type ListOptions, type ListResult, type Store, type Watch,
  type WatchEvent, type WatchOptions,
} from '../store.js';
import { compareKeys, lowerBound } from '../key-order.js';
import { WatchHub } from '../watch-hub.js';

/** One write in the history. A tombstone carries the deleted value and its createRevision. */
interface Row {
  revision: number;
  key: string;
  value: Uint8Array;
  createRevision: number;
  deleted: boolean;
  /** The key's previous row; undefined for a create (and cleared once compacted away). */
  prev?: Row;
}

const toKv = (r: Row): KeyValue => ({ key: r.key, value: r.value, createRevision: r.createRevision, modRevision: r.revision });

function toEvent(r: Row): WatchEvent {
  const prevKv = r.prev && !r.prev.deleted ? toKv(r.prev) : undefined;
  return { type: r.deleted ? 'DELETE' : 'PUT', kv: toKv(r), ...(prevKv ? { prevKv } : {}), revision: r.revision };
}

export class MemoryStore implements Store {
  readonly backend = 'memory';
  private rev = 0;
  private compacted = 0;
  private closed = false;
  /** Every retained row in revision order. */
  private log: Row[] = [];
  /** Retained rows per key, oldest first. */
  private readonly versions = new Map<string, Row[]>();
  /** Keys of `versions`, in etcd order. */
  private readonly keys: string[] = [];
  private readonly hub = new WatchHub({
    committedRevision: () => this.rev,
    compactedRevision: () => this.compacted,
    readHistory: (prefix, after, upTo, limit) => this.readHistory(prefix, after, upTo, limit),
  });

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.rev;
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    return this.compacted;
  }

  async get(key: string, opts: GetOptions = {}): Promise<KeyValue | null> {
    const at = this.readRevision(opts.revision);
    const row = this.rowAt(key, at);
    return row && !row.deleted ? toKv(row) : null;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const at = this.readRevision(opts.revision);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const from = opts.startKey !== undefined && compareKeys(opts.startKey, prefix) > 0 ? opts.startKey : prefix;
    const items: KeyValue[] = [];
    let more = false;
    for (let i = lowerBound(this.keys, from); i < this.keys.length && this.keys[i].startsWith(prefix); i++) {
      const row = this.rowAt(this.keys[i], at);
      if (!row || row.deleted) continue;
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(toKv(row));
    }
    return { items, revision: at, more };
  }

  async count(prefix: string): Promise<number> {
    return (await this.list(prefix)).items.length;
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    this.checkWrite(key, value);
    const cur = this.latest(key);
    if (cur && !cur.deleted) throw new StoreError('KeyExists', `key ${key} already exists`, { key });
    return toKv(this.append({ revision: this.rev + 1, key, value: copy(value), createRevision: this.rev + 1, deleted: false }));
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    this.checkWrite(key, value);
    const cur = this.expectLive(key, expectedModRevision);
    return toKv(this.append({ revision: this.rev + 1, key, value: copy(value), createRevision: cur.createRevision, deleted: false, prev: cur }));
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.checkOpen();
    const cur = this.expectLive(key, expectedModRevision);
    return toKv(this.append({ revision: this.rev + 1, key, value: cur.value, createRevision: cur.createRevision, deleted: true, prev: cur }));
  }

  watch(prefix: string, opts: WatchOptions): Watch {
    if (this.closed) {
      setImmediate(() => opts.onError(new StoreError('Closed', 'store is closed')));
      return { cancel: () => {} };
    }
    return this.hub.watch(prefix, opts);
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    const target = Math.min(revision, this.rev);
    if (target <= this.compacted) return;
    this.compacted = target;
    // Per key keep the newest row below the target (reads at `target` need it) unless it is a tombstone.
    const keep = new Set<Row>();
    for (const [key, rows] of this.versions) {
      let i = 0;
      while (i < rows.length && rows[i].revision < target) i++;
      if (i === 0) continue;
      const newestOld = rows[i - 1];
      const kept = newestOld.deleted ? rows.slice(i) : rows.slice(i - 1);
      if (!newestOld.deleted) {
        newestOld.prev = undefined;
        keep.add(newestOld);
      }
      if (kept.length === 0) this.dropKey(key);
      else this.versions.set(key, kept);
    }
    this.log = this.log.filter((r) => r.revision >= target || keep.has(r));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.closeAll(new StoreError('Closed', 'store is closed'));
  }

  private append(row: Row): Row {
    this.rev = row.revision;
    this.log.push(row);
    const rows = this.versions.get(row.key);
    if (rows) rows.push(row);
    else {
      this.versions.set(row.key, [row]);
      this.keys.splice(lowerBound(this.keys, row.key), 0, row.key);
    }
    this.hub.publish([toEvent(row)]);
    return row;
  }

  private dropKey(key: string): void {
    this.versions.delete(key);
    const i = lowerBound(this.keys, key);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }

  private latest(key: string): Row | undefined {
    const rows = this.versions.get(key);
    return rows?.[rows.length - 1];
  }

  private rowAt(key: string, at: number): Row | undefined {
    const rows = this.versions.get(key);
    if (!rows) return undefined;
    for (let i = rows.length - 1; i >= 0; i--) if (rows[i].revision <= at) return rows[i];
    return undefined;
  }

  private expectLive(key: string, expectedModRevision: number | undefined): Row {
    const cur = this.latest(key);
    if (!cur || cur.deleted) throw new StoreError('NotFound', `key ${key} not found`, { key });
    if (expectedModRevision !== undefined && cur.revision !== expectedModRevision) {
      throw new StoreError('Conflict', `key ${key} is at revision ${cur.revision}, not ${expectedModRevision}`, { key, current: toKv(cur) });
    }
    return cur;
  }

  private readHistory(prefix: string, after: number, upTo: number, limit: number): { events: WatchEvent[]; scannedTo: number } {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.log[mid].revision <= after) lo = mid + 1;
      else hi = mid;
    }
    const events: WatchEvent[] = [];
    for (let i = lo; i < this.log.length && this.log[i].revision <= upTo; i++) {
      const row = this.log[i];
      if (!row.key.startsWith(prefix)) continue;
      events.push(toEvent(row));
      if (events.length === limit) return { events, scannedTo: row.revision };
    }
    return { events, scannedTo: upTo };
  }

  private readRevision(requested: number | undefined): number {
    this.checkOpen();
    if (!requested) return this.rev;
    if (requested < this.compacted) {
      throw new StoreError('Expired', `revision ${requested} is compacted (compacted revision ${this.compacted})`);
    }
    return Math.min(requested, this.rev);
  }

  private checkWrite(key: string, value: Uint8Array): void {
    this.checkOpen();
    checkValueSize(key, value);
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError('Closed', 'store is closed');
  }
}

// Callers may reuse their buffer after the call returns; history must not change with it.
const copy = (v: Uint8Array): Uint8Array => new Uint8Array(v);

export const openMemoryStore = (): MemoryStore => new MemoryStore();
