// Physical compaction of the SQLite log, done like etcd: compact(R) first records R durably (from
// then on reads below R fail with Expired), then deletes the history nobody can read any more in
// small transactions, yielding to the event loop between them so writes keep flowing.
//
// A row below R can go when a later row of the same key below R superseded it (found through
// prev_revision), or when it is a tombstone. The newest row below R of every live key stays:
// reads at R and prevKv of the events from R on need it. Rows at or above R are never touched,
// so reads and watches that are still allowed see exactly what they saw before.
import type Database from 'better-sqlite3';
import type { Statements } from './sqlite-schema.js';

export const META_COMPACTED = 'compacted_revision';
/** Up to where rows were physically deleted (may lag META_COMPACTED after a crash). */
export const META_PURGED = 'purged_revision';

const CHUNK_REVISIONS = 2000;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function purgeHistory(db: Database.Database, stmts: Statements, isOpen: () => boolean): Promise<void> {
  const target = stmts.metaGet.get(META_COMPACTED) ?? 0;
  let from = stmts.metaGet.get(META_PURGED) ?? 0;
  const purgeChunk = db.transaction((lo: number, hi: number) => {
    stmts.deleteSuperseded.run(lo, hi);
    stmts.deleteTombstones.run(lo, hi);
    stmts.metaSet.run(META_PURGED, hi);
  });
  while (from < target) {
    if (!isOpen()) return;
    const to = Math.min(from + CHUNK_REVISIONS, target);
    purgeChunk(from, to);
    from = to;
    await yieldToEventLoop();
  }
  if (!isOpen()) return;
  releaseSpace(db);
}

/** Keeps the files from growing without bound: empties the WAL and returns free pages to the OS. */
export function releaseSpace(db: Database.Database): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pages = db.pragma('page_count', { simple: true }) as number;
  const free = db.pragma('freelist_count', { simple: true }) as number;
  // Keep a little slack so the next writes do not immediately grow the file again.
  if (free > 64 && free > pages / 8) {
    db.pragma(`incremental_vacuum(${free - Math.floor(pages / 16)})`);
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
}
