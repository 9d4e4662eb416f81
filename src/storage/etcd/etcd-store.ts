/// <reference types="node" />
// The Store contract over etcd 3, using etcd's own revisions: creates and CAS writes are single
// etcd transactions whose failure branch reads the current value, so a Conflict carries it for free.
import { Etcd3, type IKeyValue, type IRangeRequest, type ITxnResponse } from 'etcd3';
import {
  StoreError, checkValueSize,
  type GetOptions, type KeyValue, type ListOptions, type ListResult, type Store, type Watch, type WatchOptions,
} from '../store.js';
import { buildClientOptions, type EtcdTlsFiles } from './etcd-options.js';
import { isCompactedMessage, toStoreError } from './etcd-errors.js';
import { KeySpace, asBuffer } from './etcd-keys.js';
import { EtcdWatch } from './etcd-watch.js';

export interface EtcdStoreOptions extends EtcdTlsFiles {
  /** Prepended to every key in etcd and stripped from results; default "/registry" (Kubernetes' --etcd-prefix). */
  prefix?: string;
  /** Deadline of each unary call; default 15 s. */
  requestTimeoutMs?: number;
  /** How long openEtcdStore waits for a first connection; default 5 s. */
  connectTimeoutMs?: number;
  /** A watch whose stream cannot be re-established for this long fails with "Unavailable"; default 30 s. */
  watchReconnectTimeoutMs?: number;
}

/** Connects to etcd (endpoints "http://h:2379", "https://...", "etcd://h:p", comma-separated) and checks it answers. */
export async function openEtcdStore(endpoint: string, opts: EtcdStoreOptions = {}): Promise<Store> {
  const requestTimeoutMs = opts.requestTimeoutMs ?? 15_000;
  const client = new Etcd3(buildClientOptions(endpoint, opts, { requestTimeoutMs }));
  const store = new EtcdStore(client, new KeySpace(opts.prefix ?? '/registry'), opts.watchReconnectTimeoutMs ?? 30_000);
  try {
    await store.probe(opts.connectTimeoutMs ?? 5_000);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

const copyOf = (value: Uint8Array): Uint8Array => new Uint8Array(value);
const kvsOf = (res: ITxnResponse, op = 0): IKeyValue[] => res.responses[op]?.response_range?.kvs ?? [];

class EtcdStore implements Store {
  readonly backend = 'etcd';
  private closed = false;
  private readonly watches = new Set<EtcdWatch>();
  /** Highest compaction point seen; compaction only moves forward, so searches start here. */
  private knownCompacted = 0;

  constructor(
    private readonly client: Etcd3,
    private readonly keys: KeySpace,
    private readonly watchReconnectTimeoutMs: number,
  ) {}

  /** Waits until etcd answers a read (it may still be starting), or fails with Unavailable. */
  async probe(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.currentRevision();
        return;
      } catch (err) {
        if (!(err instanceof StoreError && err.code === 'Unavailable') || Date.now() >= deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async currentRevision(): Promise<number> {
    const res = await this.call(undefined, () => this.client.kv.range(this.revisionProbe()));
    return Number(res.header.revision);
  }

  async compactedRevision(): Promise<number> {
    // etcd 3.4 has no call that reports the compaction point, but a read below it fails: binary-search
    // the oldest readable revision between the last known point and the current revision (always readable).
    const known = this.knownCompacted;
    if (await this.readableAt(Math.max(known, 1))) return known;
    let bad = Math.max(known, 1);
    let good = await this.currentRevision();
    while (good - bad > 1) {
      const mid = Math.floor((bad + good) / 2);
      if (await this.readableAt(mid)) good = mid;
      else bad = mid;
    }
    this.knownCompacted = Math.max(this.knownCompacted, good);
    return this.knownCompacted;
  }

  async get(key: string, opts: GetOptions = {}): Promise<KeyValue | null> {
    const res = await this.call(key, () => this.client.kv.range({ key: this.keys.key(key), revision: opts.revision ?? 0 }));
    return res.kvs.length > 0 ? this.keys.decode(res.kvs[0]) : null;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const res = await this.call(undefined, () => this.client.kv.range({
      ...this.keys.range(prefix, opts.startKey),
      limit: opts.limit ?? 0,
      revision: opts.revision ?? 0,
      serializable: false,
    }));
    return {
      items: res.kvs.map((kv) => this.keys.decode(kv)),
      revision: opts.revision || Number(res.header.revision),
      more: res.more,
    };
  }

  async count(prefix: string): Promise<number> {
    const res = await this.call(undefined, () => this.client.kv.range({ ...this.keys.range(prefix), count_only: true }));
    return Number(res.count);
  }

  async create(key: string, value: Uint8Array): Promise<KeyValue> {
    checkValueSize(key, value);
    const res = await this.call(key, () => {
      const k = this.keys.key(key);
      return this.client.kv.txn({
        compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: k, value: asBuffer(value) } }],
        failure: [{ request_range: { key: k } }],
      });
    });
    if (!res.succeeded) {
      const current = kvsOf(res)[0];
      throw new StoreError('KeyExists', `key ${key} already exists`, { key, current: current && this.keys.decode(current) });
    }
    const revision = Number(res.header.revision);
    return { key, value: copyOf(value), createRevision: revision, modRevision: revision };
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    checkValueSize(key, value);
    const res = await this.call(key, () => {
      const k = this.keys.key(key);
      return this.client.kv.txn({
        compare: this.unchangedSince(k, expectedModRevision),
        // The range (keys only) reads the createRevision, which a put does not change.
        success: [{ request_range: { key: k, keys_only: true } }, { request_put: { key: k, value: asBuffer(value) } }],
        failure: [{ request_range: { key: k } }],
      });
    });
    if (!res.succeeded) throw this.casFailure(key, kvsOf(res), expectedModRevision);
    const createRevision = Number(kvsOf(res)[0].create_revision);
    return { key, value: copyOf(value), createRevision, modRevision: Number(res.header.revision) };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    let prev: IKeyValue | undefined;
    let revision: number;
    if (expectedModRevision === undefined) {
      const res = await this.call(key, () => this.client.kv.deleteRange({ key: this.keys.key(key), prev_kv: true }));
      prev = res.prev_kvs[0];
      revision = Number(res.header.revision);
    } else {
      const res = await this.call(key, () => {
        const k = this.keys.key(key);
        return this.client.kv.txn({
          compare: this.unchangedSince(k, expectedModRevision),
          success: [{ request_delete_range: { key: k, prev_kv: true } }],
          failure: [{ request_range: { key: k } }],
        });
      });
      if (!res.succeeded) throw this.casFailure(key, kvsOf(res), expectedModRevision);
      prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
      revision = Number(res.header.revision);
    }
    if (!prev) throw new StoreError('NotFound', `key ${key} not found`, { key });
    const deleted = this.keys.decode(prev);
    return { ...deleted, key, modRevision: revision };
  }

  watch(prefix: string, opts: WatchOptions): Watch {
    if (this.closed) return closedWatch(opts);
    const watch = new EtcdWatch(this.client, this.keys, prefix, opts,
      { reconnectTimeoutMs: this.watchReconnectTimeoutMs }, (w) => this.watches.delete(w));
    this.watches.add(watch);
    return watch;
  }

  async compact(revision: number): Promise<void> {
    if (revision <= this.knownCompacted || revision <= 1) return;
    try {
      await this.call(undefined, () => this.client.kv.compact({ revision, physical: true }));
    } catch (err) {
      // Compacting at or below etcd's current compaction point is a no-op for the Store contract.
      if (!(err instanceof StoreError && err.code === 'Expired')) throw err;
    }
    this.knownCompacted = Math.max(this.knownCompacted, revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.watches]) w.fail(new StoreError('Closed', 'etcd store closed'));
    this.client.close();
  }

  private async call<T>(key: string | undefined, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreError('Closed', 'etcd store is closed', { key });
    try {
      return await fn();
    } catch (err) {
      if (this.closed) throw new StoreError('Closed', 'etcd store closed during the call', { key, cause: err });
      throw toStoreError(err, key);
    }
  }

  private revisionProbe(): IRangeRequest {
    return { key: this.keys.range('').key, count_only: true };
  }

  private async readableAt(revision: number): Promise<boolean> {
    try {
      await this.client.kv.range({ ...this.revisionProbe(), revision });
      return true;
    } catch (err) {
      if (err instanceof Error && isCompactedMessage(err.message)) return false;
      throw toStoreError(err);
    }
  }

  /** The key exists and was last written at `modRevision` (a missing key has modRevision 0). */
  private unchangedSince(k: Buffer, modRevision: number) {
    return [
      { key: k, target: 'Mod' as const, result: 'Equal' as const, mod_revision: modRevision },
      { key: k, target: 'Create' as const, result: 'Greater' as const, create_revision: 0 },
    ];
  }

  private casFailure(key: string, current: IKeyValue[], expected: number): StoreError {
    if (current.length === 0) return new StoreError('NotFound', `key ${key} not found`, { key });
    const kv = this.keys.decode(current[0]);
    return new StoreError('Conflict',
      `key ${key} was modified at revision ${kv.modRevision}, expected ${expected}`, { key, current: kv });
  }
}

function closedWatch(opts: WatchOptions): Watch {
  let cancelled = false;
  queueMicrotask(() => {
    if (!cancelled) opts.onError(new StoreError('Closed', 'etcd store is closed'));
  });
  return { cancel: () => { cancelled = true; } };
}
