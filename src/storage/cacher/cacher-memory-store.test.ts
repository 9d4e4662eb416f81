// The cacher over the real in-memory backend (which has no progress notifications and delivers
// events synchronously at commit): the same answers as the store itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore } from '../memory/memory-store.js';
import { Collector, PREFIX, decode, encode, keyOf, newCacher, until } from './test-helpers.js';

test('over MemoryStore: lists, pages and watches agree with the store', async () => {
  const store = new MemoryStore();
  for (let i = 0; i < 50; i++) await store.create(keyOf(`ns${i % 3}`, `o${String(i).padStart(2, '0')}`), encode(`ns${i % 3}`, `o${i}`, String(i)));
  const cacher = newCacher(store, { listPageSize: 7 });
  await cacher.start();
  try {
    const c = new Collector();
    await cacher.watch(c.options({ afterRevision: cacher.revision }));
    const first = await cacher.list({ limit: 20 });
    for (let i = 0; i < 10; i++) {
      const key = keyOf('ns1', `o${String(i * 3 + 1).padStart(2, '0')}`);
      const cur = await store.get(key);
      if (i % 2) await store.delete(key);
      else await store.update(key, encode('ns1', key, `changed-${i}`), cur?.modRevision as number);
    }
    await store.create('/registry/elsewhere/x', encode('x', 'x'));
    const rest = await cacher.list({ limit: 100, continueToken: first.continueToken });
    const atFirst = (await store.list(PREFIX, { revision: first.revision })).items.map((kv) => decode(kv).data);
    assert.deepEqual([...first.items, ...rest.items].map((o) => o.data), atFirst);
    // Consistent read: the memory store has no progress notifications, so the store answers it
    // when other prefixes moved the revision; either way the answer is the store's current state.
    const now = await cacher.list({});
    assert.equal(now.revision, await store.currentRevision());
    assert.deepEqual(now.items.map((o) => o.data), (await store.list(PREFIX)).items.map((kv) => decode(kv).data));
    await until(() => c.objectEvents.length === 10);
    assert.deepEqual(c.objectEvents.map((e) => e.type), ['MODIFIED', 'DELETED', 'MODIFIED', 'DELETED', 'MODIFIED', 'DELETED', 'MODIFIED', 'DELETED', 'MODIFIED', 'DELETED']);
  } finally {
    cacher.stop();
    await store.close();
  }
});
