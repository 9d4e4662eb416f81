/// <reference types="node" />
// What bench/store.ts measures: kite's Store backends and, as baselines, the raw engines beneath them
// (better-sqlite3 with one transaction per write; the etcd3 client doing plain puts).
import Database from 'better-sqlite3';
import { Etcd3 } from 'etcd3';
import type { Store } from '../src/storage/store.js';

export interface BenchTarget {
  name: string;
  /** Writes a new key; resolves once the write is acknowledged (durable for SQLite FULL and etcd). */
  write(key: string, value: Uint8Array): Promise<void>;
  /** Reads every key under the prefix; resolves to how many it got. */
  list(prefix: string): Promise<number>;
  /** Starts a watch delivering each written key; resolves once it is established; returns its cancel. */
  watch?(prefix: string, onKey: (key: string) => void): Promise<() => void>;
  close(): Promise<void>;
}

export function kiteTarget(name: string, store: Store): BenchTarget {
  return {
    name,
    write: async (key, value) => {
      await store.create(key, value);
    },
    list: async (prefix) => (await store.list(prefix)).items.length,
    watch: async (prefix, onKey) => {
      const w = store.watch(prefix, {
        afterRevision: await store.currentRevision(),
        onEvents: (events) => {
          for (const e of events) onKey(e.kv.key);
        },
        onError: (err) => console.error(`  [${name}] watch error: ${err.code} ${err.message}`),
      });
      return () => w.cancel();
    },
    close: () => store.close(),
  };
}

/** better-sqlite3 directly: WAL, synchronous=FULL, each INSERT its own (autocommit) transaction. */
export function rawSqliteTarget(file: string): BenchTarget {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID');
  const insert = db.prepare<[string, Uint8Array]>('INSERT INTO kv (key, value) VALUES (?, ?)');
  const range = db.prepare<[string, string], { key: string; value: Buffer }>(
    'SELECT key, value FROM kv WHERE key >= ? AND key < ? ORDER BY key');
  return {
    name: 'raw-sqlite',
    write: async (key, value) => {
      insert.run(key, value);
    },
    list: async (prefix) => range.all(prefix, prefix + '\u{10FFFF}').length,
    close: async () => {
      db.close();
    },
  };
}

/** The etcd3 client doing plain puts and ranges (no transactions, no prefix handling). */
export function rawEtcdTarget(endpoint: string): BenchTarget {
  const client = new Etcd3({ hosts: endpoint, grpcOptions: { 'grpc.max_receive_message_length': -1 } });
  const rangeEnd = (prefix: string): Buffer => {
    const end = Buffer.from(prefix);
    end[end.length - 1]++; // bench prefixes end in "/", never 0xff
    return end;
  };
  return {
    name: 'raw-etcd',
    write: async (key, value) => {
      await client.kv.put({ key: Buffer.from(key), value: Buffer.from(value.buffer, value.byteOffset, value.byteLength) });
    },
    list: async (prefix) => (await client.kv.range({ key: Buffer.from(prefix), range_end: rangeEnd(prefix) })).kvs.length,
    watch: async (prefix, onKey) => {
      const watcher = await client.watch().prefix(prefix).create();
      watcher.on('put', (kv) => onKey(kv.key.toString()));
      return () => void watcher.cancel();
    },
    close: async () => client.close(),
  };
}
