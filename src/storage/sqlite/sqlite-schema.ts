// Opening kite's SQLite database: pragmas, schema and the prepared statements the store uses.
//
// `log` is the MVCC history, one row per write (revision = the global revision). A delete writes
// a tombstone row (deleted = 1, empty value); its deleted value is the row at prev_revision.
// `live` maps every existing key to the revision of its newest row, so current reads, counts and
// CAS checks never scan history. `meta` holds the compaction revisions.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS log (
  revision        INTEGER PRIMARY KEY,
  key             TEXT    NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision   INTEGER NOT NULL,
  deleted         INTEGER NOT NULL,
  value           BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS log_key_revision ON log (key, revision);
CREATE TABLE IF NOT EXISTS live (
  key      TEXT    PRIMARY KEY,
  revision INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** A log row as read back, with the previous row's value and createRevision when joined. */
export interface LogRow {
  revision: number;
  key: string;
  create_revision: number;
  deleted: number;
  value: Buffer;
}

export interface HistoryRow extends LogRow {
  prev_revision: number;
  prev_value: Buffer | null;
  prev_create_revision: number | null;
}

const ROW = 'l.revision, l.key, l.create_revision, l.deleted, l.value';

export function openDatabase(file: string): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  // Fail fast when another process holds the file rather than queueing behind it.
  const db = new Database(file, { timeout: 1000 });
  try {
    // Only takes effect before the first table exists; lets compaction hand pages back to the OS.
    db.pragma('auto_vacuum = INCREMENTAL');
    // One kite process owns the file: a second one fails here instead of forking the revision counter.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('journal_size_limit = 67108864');
    // Index pages of a large cluster stay in memory (the default is 2 MiB).
    db.pragma('cache_size = -32768');
    db.exec(SCHEMA);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

export function prepareStatements(db: Database.Database) {
  return {
    maxRevision: db.prepare<[], number | null>('SELECT MAX(revision) FROM log').pluck(),
    metaGet: db.prepare<[string], number>('SELECT value FROM meta WHERE name = ?').pluck(),
    metaSet: db.prepare<[string, number]>(
      'INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
    liveRevision: db.prepare<[string], number>('SELECT revision FROM live WHERE key = ?').pluck(),
    getLive: db.prepare<[string], LogRow>(
      `SELECT ${ROW} FROM live c JOIN log l ON l.revision = c.revision WHERE c.key = ?`),
    getAt: db.prepare<[string, number], LogRow>(
      `SELECT ${ROW} FROM log l WHERE l.key = ? AND l.revision <= ? ORDER BY l.revision DESC LIMIT 1`),
    listLive: db.prepare<[string, string, number], LogRow>(
      `SELECT ${ROW} FROM live c JOIN log l ON l.revision = c.revision
       WHERE c.key >= ? AND c.key < ? ORDER BY c.key LIMIT ?`),
    // Streams in key order (no sort) and stops at the limit; visits each retained version once.
    listAt: db.prepare<[string, string, number, number], LogRow>(
      `SELECT ${ROW} FROM log l
       WHERE l.key >= ? AND l.key < ? AND l.deleted = 0
         AND l.revision = (SELECT MAX(x.revision) FROM log x WHERE x.key = l.key AND x.revision <= ?)
       ORDER BY l.key LIMIT ?`),
    countLive: db.prepare<[string, string], number>('SELECT COUNT(*) FROM live WHERE key >= ? AND key < ?').pluck(),
    history: db.prepare<[number, number, string, string, number], HistoryRow>(
      `SELECT ${ROW}, l.prev_revision, p.value AS prev_value, p.create_revision AS prev_create_revision
       FROM log l LEFT JOIN log p ON p.revision = l.prev_revision
       WHERE l.revision > ? AND l.revision <= ? AND l.key >= ? AND l.key < ?
       ORDER BY l.revision LIMIT ?`),
    insertLog: db.prepare<[number, string, number, number, number, Uint8Array]>(
      'INSERT INTO log (revision, key, create_revision, prev_revision, deleted, value) VALUES (?, ?, ?, ?, ?, ?)'),
    insertLive: db.prepare<[string, number]>('INSERT INTO live (key, revision) VALUES (?, ?)'),
    updateLive: db.prepare<[number, string]>('UPDATE live SET revision = ? WHERE key = ?'),
    deleteLive: db.prepare<[string]>('DELETE FROM live WHERE key = ?'),
    // Compaction of the revision range [from, to): rows superseded inside it, then its tombstones.
    deleteSuperseded: db.prepare<[number, number]>(
      'DELETE FROM log WHERE revision IN (SELECT prev_revision FROM log WHERE revision >= ? AND revision < ? AND prev_revision > 0)'),
    deleteTombstones: db.prepare<[number, number]>('DELETE FROM log WHERE revision >= ? AND revision < ? AND deleted = 1'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
