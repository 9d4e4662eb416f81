import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCompactor } from './compactor.js';
import { MemoryStore } from './memory/memory-store.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

async function writes(store: MemoryStore, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await store.create(`/c/${await store.currentRevision()}`, enc('x'));
}

describe('startCompactor', () => {
  it('compacts to current - retainRevisions, and only when there is enough history', async () => {
    const store = new MemoryStore();
    const compacted: number[] = [];
    const c = startCompactor(store, { intervalMs: 60_000, retainRevisions: 10, onCompact: (r) => compacted.push(r) });
    try {
      await writes(store, 8);
      assert.equal(await c.runOnce(), undefined, 'fewer revisions than retained: nothing to do');
      await writes(store, 22);
      assert.equal(await c.runOnce(), 20);
      assert.equal(await store.compactedRevision(), 20);
      assert.equal(await c.runOnce(), undefined, 'already compacted there');
      assert.deepEqual(compacted, [20]);
    } finally {
      c.stop();
      await store.close();
    }
  });

  it('runs on its interval until stopped', async () => {
    const store = new MemoryStore();
    const c = startCompactor(store, { intervalMs: 20, retainRevisions: 5 });
    try {
      await writes(store, 15);
      const deadline = Date.now() + 2_000;
      while ((await store.compactedRevision()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(await store.compactedRevision(), 10);
      c.stop();
      await writes(store, 15);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(await store.compactedRevision(), 10, 'no compaction after stop()');
    } finally {
      c.stop();
      await store.close();
    }
  });
});
