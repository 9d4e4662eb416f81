// Group commit for the SQLite store: writes issued during one event-loop turn are applied in ONE
// transaction (one WAL fsync with synchronous=FULL) and acknowledged only after it commits.
// Each write's compare-and-swap is checked inside the transaction, against the writes before it
// in the same batch, and a failed check fails only that write.
import type Database from 'better-sqlite3';
import { StoreError, isStoreError, type KeyValue, type WatchEvent } from '../store.js';
import type { LogRow, Statements } from './sqlite-schema.js';

export type WriteOp =
  | { kind: 'create'; key: string; value: Buffer }
  | { kind: 'update'; key: string; value: Buffer; expected: number }
  | { kind: 'delete'; key: string; expected?: number };

interface Pending {
  op: WriteOp;
  resolve: (kv: KeyValue) => void;
  reject: (err: StoreError) => void;
}

type Outcome = { kv: KeyValue; event: WatchEvent } | StoreError;

/** Bounds one transaction so a flood of writes still commits (and acknowledges) steadily. */
const MAX_BATCH_OPS = 4096;
const MAX_BATCH_BYTES = 32 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

export const rowToKv = (r: LogRow): KeyValue =>
  ({ key: r.key, value: r.value, createRevision: r.create_revision, modRevision: r.revision });

export class GroupCommitter {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly runBatch: (batch: Pending[], first: number) => Outcome[];

  constructor(
    db: Database.Database,
    private readonly stmts: Statements,
    private readonly committedRevision: () => number,
    /** Called after each successful commit, before any write of the batch is acknowledged. */
    private readonly onCommit: (revision: number, events: WatchEvent[]) => void,
  ) {
    this.runBatch = db.transaction((batch: Pending[], first: number): Outcome[] => {
      let next = first;
      return batch.map((p) => {
        try {
          const outcome = this.apply(p.op, next);
          next++;
          return outcome;
        } catch (err) {
          if (isStoreError(err)) return err; // a failed check wrote nothing; the batch goes on
          throw err;
        }
      });
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  submit(op: WriteOp): Promise<KeyValue> {
    return new Promise<KeyValue>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now (used on close). */
  flushAll(): void {
    while (this.queue.length > 0) this.flush();
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    let outcomes: Outcome[];
    try {
      outcomes = this.runBatch(batch, this.committedRevision() + 1);
    } catch (cause) {
      const err = new StoreError('Unavailable', `sqlite write failed: ${String(cause)}`, { cause });
      for (const p of batch) p.reject(err);
      return;
    }
    const events: WatchEvent[] = [];
    for (const o of outcomes) if (!(o instanceof StoreError)) events.push(o.event);
    if (events.length > 0) this.onCommit(events[events.length - 1].revision, events);
    outcomes.forEach((o, i) => (o instanceof StoreError ? batch[i].reject(o) : batch[i].resolve(o.kv)));
  }

  private takeBatch(): Pending[] {
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && n < MAX_BATCH_OPS && bytes < MAX_BATCH_BYTES) {
      const op = this.queue[n].op;
      bytes += op.kind === 'delete' ? 0 : op.value.byteLength;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private apply(op: WriteOp, revision: number): Outcome {
    const s = this.stmts;
    if (op.kind === 'create') {
      if (s.liveRevision.get(op.key) !== undefined) {
        throw new StoreError('KeyExists', `key ${op.key} already exists`, { key: op.key });
      }
      s.insertLog.run(revision, op.key, revision, 0, 0, op.value);
      s.insertLive.run(op.key, revision);
      const kv: KeyValue = { key: op.key, value: op.value, createRevision: revision, modRevision: revision };
      return { kv, event: { type: 'PUT', kv, revision } };
    }
    const cur = s.getLive.get(op.key);
    if (!cur) throw new StoreError('NotFound', `key ${op.key} not found`, { key: op.key });
    const prevKv = rowToKv(cur);
    if (op.expected !== undefined && cur.revision !== op.expected) {
      throw new StoreError('Conflict', `key ${op.key} is at revision ${cur.revision}, not ${op.expected}`,
        { key: op.key, current: prevKv });
    }
    if (op.kind === 'update') {
      s.insertLog.run(revision, op.key, cur.create_revision, cur.revision, 0, op.value);
      s.updateLive.run(revision, op.key);
      const kv: KeyValue = { key: op.key, value: op.value, createRevision: cur.create_revision, modRevision: revision };
      return { kv, event: { type: 'PUT', kv, prevKv, revision } };
    }
    s.insertLog.run(revision, op.key, cur.create_revision, cur.revision, 1, EMPTY);
    s.deleteLive.run(op.key);
    const kv: KeyValue = { ...prevKv, modRevision: revision };
    return { kv, event: { type: 'DELETE', kv, prevKv, revision } };
  }
}
