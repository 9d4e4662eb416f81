import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from './open-store.js';

describe('openStore', () => {
  it('opens sqlite under DATA_DIR/db/state.db by default, and it persists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kite-open-'));
    try {
      const store = await openStore({ dataDir: dir });
      assert.equal(store.backend, 'sqlite');
      await store.create('/k', new Uint8Array([1, 2, 3]));
      await store.close();
      assert.ok(existsSync(join(dir, 'db', 'state.db')));
      const again = await openStore({ dataDir: dir, endpoint: 'sqlite://' });
      assert.deepEqual([...(await again.get('/k'))!.value], [1, 2, 3]);
      await again.close();
      const byPath = await openStore({ endpoint: `sqlite://${join(dir, 'db', 'state.db')}` });
      assert.equal(await byPath.currentRevision(), 1);
      await byPath.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens memory:// and refuses sqlite without a data directory', async () => {
    const store = await openStore({ endpoint: 'memory://' });
    assert.equal(store.backend, 'memory');
    await store.close();
    await assert.rejects(openStore({}), /data directory/);
  });
});
