// The embedded Store: one SQLite file (WAL, synchronous=FULL) with etcd's semantics.
//
// better-sqlite3 is synchronous and this process is the file's only user (EXCLUSIVE locking), so
// the in-memory revision counter, the commit of a batch and the fan-out of its events happen in
// one uninterrupted step: readers and watchers never see a half-applied batch.
// Writes are group-committed (group-commit.ts); compaction purges history in the background
// (sqlite-compaction.ts); watches are served in-process (watch-hub.ts).
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import {
  StoreError, checkValueSize, prefixEnd,
  type GetOptions, type KeyValue, type ListOptions, type ListResult, type Store, type Watch,
  type WatchEvent, type WatchOptions,
} from '../store.js';
import { WatchHub } from '../watch-hub.js';
import { GroupCommitter, rowToKv, type WriteOp } from './group-commit.js';
import { openDatabase, prepareStatements, type HistoryRow, type Statements } from './sqlite-schema.js';
import { META_COMPACTED, purgeHistory } from './sqlite-compaction.js';

export interface SqliteStoreOptions {
  /** Path of the database file; its directory is created if missing. */
  file: string;
}

/** The database file kite uses under its data directory. */
export const sqliteFileIn = (dataDir: string): string => join(dataDir, 'db', 'state.db');

export class SqliteStore implements Store {
  readonly backend = 'sqlite';
  private readonly db: Database.Database;
  private readonly stmts: Statements;
  private readonly writer: GroupCommitter;
  private readonly hub: WatchHub;
  private rev: number;
  private compacted: number;
  private closed = false;
  /** Serialises compactions; also awaited by close(). */
  private compacting: Promise<void> = Promise.resolve();

  constructor(opts: SqliteStoreOptions) {
    try {
      this.db = openDatabase(opts.file);
    } catch (cause) {
      throw new StoreError('Unavailable', `cannot open sqlite store ${opts.file}: ${String(cause)}`, { cause });
    }
    this.stmts = prepareStatements(this.db);
    this.rev = this.stmts.maxRevision.get() ?? 0;
    this.compacted = this.stmts.metaGet.get(META_COMPACTED) ?? 0;
    this.hub = new WatchHub({
      committedRevision: () => this.rev,
      compactedRevision: () => this.compacted,
      readHistory: (prefix, after, upTo, limit) => this.readHistory(prefix, after, upTo, limit),
    });
    this.writer = new GroupCommitter(this.db, this.stmts, () => this.rev, (revision, events) => {
      this.rev = revision;
      this.hub.publish(events);
    });
    // Finish a purge a crash interrupted.
    this.compacting = this.purge();
  }

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
    if (at === this.rev) {
      const row = this.stmts.getLive.get(key);
      return row ? rowToKv(row) : null;
    }
    const row = this.stmts.getAt.get(key, at);
    return row && !row.deleted ? rowToKv(row) : null;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const at = this.readRevision(opts.revision);
    const from = opts.startKey !== undefined && opts.startKey > prefix ? opts.startKey : prefix;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    // One row more than asked tells whether more follow.
    const fetch = limit > 0 ? limit + 1 : -1;
    const rows = at === this.rev
      ? this.stmts.listLive.all(from, prefixEnd(prefix), fetch)
      : this.stmts.listAt.all(from, prefixEnd(prefix), at, fetch);
    const more = limit > 0 && rows.length > limit;
    return { items: (more ? rows.slice(0, limit) : rows).map(rowToKv), revision: at, more };
  }

  async count(prefix: string): Promise<number> {
    this.checkOpen();
    return this.stmts.countLive.get(prefix, prefixEnd(prefix)) ?? 0;
  }

  create(key: string, value: Uint8Array): Promise<KeyValue> {
    return this.write(key, value, (v) => ({ kind: 'create', key, value: v }));
  }

  update(key: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
    return this.write(key, value, (v) => ({ kind: 'update', key, value: v, expected: expectedModRevision }));
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    if (this.closed) return Promise.reject(closedError());
    return this.writer.submit({ kind: 'delete', key, expected: expectedModRevision });
  }

  watch(prefix: string, opts: WatchOptions): Watch {
    if (this.closed) {
      setImmediate(() => opts.onError(closedError()));
      return { cancel: () => {} };
    }
    return this.hub.watch(prefix, opts);
  }

  compact(revision: number): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    const target = Math.min(revision, this.rev);
    if (target <= this.compacted) return this.compacting;
    // Recorded durably before anything is deleted: from now on reads below `target` fail.
    this.stmts.metaSet.run(META_COMPACTED, target);
    this.compacted = target;
    this.compacting = this.compacting.then(() => this.purge());
    return this.compacting;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.writer.flushAll();
    this.closed = true;
    this.hub.closeAll(closedError());
    await this.compacting;
    this.db.close();
  }

  private write(key: string, value: Uint8Array, op: (v: Buffer) => WriteOp): Promise<KeyValue> {
    if (this.closed) return Promise.reject(closedError());
    try {
      checkValueSize(key, value);
    } catch (err) {
      return Promise.reject(err);
    }
    // A copy: the caller may reuse its buffer, and events hand this value to every watcher.
    return this.writer.submit(op(Buffer.from(value)));
  }

  private purge(): Promise<void> {
    return purgeHistory(this.db, this.stmts, () => !this.closed).catch((cause: unknown) => {
      // The compaction revision is already recorded; the purge resumes at the next compaction or start.
      process.emitWarning(`kite sqlite store: purging compacted history failed: ${String(cause)}`);
    });
  }

  private readHistory(prefix: string, after: number, upTo: number, limit: number): { events: WatchEvent[]; scannedTo: number } {
    const rows = this.stmts.history.all(after, upTo, prefix, prefixEnd(prefix), limit);
    const events = rows.map(historyEvent);
    const scannedTo = rows.length === limit ? rows[rows.length - 1].revision : upTo;
    return { events, scannedTo };
  }

  private readRevision(requested: number | undefined): number {
    this.checkOpen();
    if (!requested) return this.rev;
    if (requested < this.compacted) {
      throw new StoreError('Expired', `revision ${requested} is compacted (compacted revision ${this.compacted})`);
    }
    return Math.min(requested, this.rev);
  }

  private checkOpen(): void {
    if (this.closed) throw closedError();
  }
}

function historyEvent(r: HistoryRow): WatchEvent {
  const prevKv: KeyValue | undefined = r.prev_value !== null && r.prev_create_revision !== null
    ? { key: r.key, value: r.prev_value, createRevision: r.prev_create_revision, modRevision: r.prev_revision }
    : undefined;
  if (r.deleted) {
    const kv: KeyValue = { key: r.key, value: prevKv?.value ?? Buffer.alloc(0), createRevision: r.create_revision, modRevision: r.revision };
    return { type: 'DELETE', kv, ...(prevKv ? { prevKv } : {}), revision: r.revision };
  }
  return { type: 'PUT', kv: rowToKv(r), ...(prevKv ? { prevKv } : {}), revision: r.revision };
}

const closedError = (): StoreError => new StoreError('Closed', 'store is closed');

export function openSqliteStore(file: string): SqliteStore {
  return new SqliteStore({ file });
}
