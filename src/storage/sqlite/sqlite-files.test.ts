// What is special about the SQLite backend's files: bounded size under churn, one owner at a time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isStoreError } from '../store.js';
import { SqliteStore } from './sqlite-store.js';

const fileBytes = (file: string): number =>
  [file, `${file}-wal`].reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);

/** Rows of the history below `revision`, read straight from the file. */
function countRows(file: string, revision: number): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[number], number>('SELECT COUNT(*) FROM log WHERE revision < ?').pluck().get(revision) ?? -1;
  } finally {
    db.close();
  }
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kite-sqlite-files-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe('sqlite store files', () => {
  it('do not grow without bound under repeated overwrite + compaction', { timeout: 60_000 }, withDir(async (dir) => {
    const file = join(dir, 'state.db');
    const store = new SqliteStore({ file });
    const keys = Array.from({ length: 100 }, (_, i) => `/churn/${i}`);
    const value = (round: number): Uint8Array => new Uint8Array(8192).fill(round & 0xff);
    let revs = await Promise.all(keys.map((k) => store.create(k, value(0)).then((kv) => kv.modRevision)));
    const sizes: number[] = [];
    try {
      for (let round = 1; round <= 40; round++) {
        revs = await Promise.all(keys.map((k, i) => store.update(k, value(round), revs[i]).then((kv) => kv.modRevision)));
        await store.compact(await store.currentRevision());
        sizes.push(fileBytes(file));
      if (process.env.KITE_TEST_VERBOSE) console.log(`round ${round}: ${sizes[sizes.length - 1]} bytes`);
      }
      const live = keys.length * 8192;
      const written = 41 * live;
      // Without compaction the file would hold every version (~33 MB); with it, a few times the live data.
      assert.ok(sizes[sizes.length - 1] < 4 * live, `final size ${sizes[sizes.length - 1]} vs live data ${live} (written ${written})`);
      assert.ok(sizes[sizes.length - 1] <= sizes[9] * 1.5 + 65536, `size kept growing: ${sizes.join(', ')}`);
      // The history that is still allowed remains intact.
      assert.equal((await store.list('/churn/')).items.length, keys.length);
      assert.equal((await store.get('/churn/7'))!.value[0], 40);
    } finally {
      await store.close();
    }
  }));

  it('belong to one store at a time: a second open fails with Unavailable', withDir(async (dir) => {
    const file = join(dir, 'state.db');
    const first = new SqliteStore({ file });
    await first.create('/owner', new Uint8Array([1]));
    try {
      assert.throws(() => new SqliteStore({ file }), (err) => isStoreError(err, 'Unavailable'));
    } finally {
      await first.close();
    }
    const second = new SqliteStore({ file });
    assert.equal(await second.currentRevision(), 1);
    await second.close();
  }));

  it('resumes purging history a crash interrupted, and keeps the compaction revision', withDir(async (dir) => {
    const file = join(dir, 'state.db');
    const store = new SqliteStore({ file });
    let kv = await store.create('/p', new Uint8Array([0]));
    for (let i = 1; i < 50; i++) kv = await store.update('/p', new Uint8Array([i]), kv.modRevision);
    const compacting = store.compact(40); // recorded at once; the purge is cut short by close()
    await store.close();
    await compacting;
    assert.equal(countRows(file, 40), 39, 'the purge was meant to be interrupted');
    const reopened = new SqliteStore({ file });
    try {
      await reopened.compact(40); // already recorded: waits for the resumed purge
      assert.equal(await reopened.compactedRevision(), 40);
      await assert.rejects(reopened.get('/p', { revision: 39 }), (err) => isStoreError(err, 'Expired'));
      assert.equal((await reopened.get('/p', { revision: 40 }))!.value[0], 39);
      assert.equal((await reopened.get('/p'))!.value[0], 49);
    } finally {
      await reopened.close();
    }
    assert.equal(countRows(file, 40), 1, 'only the newest row below the compaction revision stays');
  }));
});
