import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../../apimachinery/errors.js';
import type { WatchEvent } from '../store.js';
import { FakeStore } from './fake-store.js';
import { Collector, type TestObject, decode, encode, keyOf, newCacher, PREFIX, sleep, until } from './test-helpers.js';

/** What a watcher without a predicate must see for these store events. */
const expectedFrom = (events: WatchEvent[]) =>
  events.map((e) => ({
    type: e.type === 'DELETE' ? 'DELETED' : e.prevKv ? 'MODIFIED' : 'ADDED',
    name: decode(e.kv).metadata.name,
    rv: String(e.revision),
    revision: e.revision,
  }));

test('a watch from 0 gets ADDED for every current object, then the changes in order', async () => {
  const store = new FakeStore();
  await store.create(keyOf('a', 'one'), encode('a', 'one'));
  await store.create(keyOf('b', 'two'), encode('b', 'two'));
  const cacher = newCacher(store);
  await cacher.start();
  try {
    const all = new Collector();
    const nsA = new Collector();
    await cacher.watch(all.options());
    await cacher.watch(nsA.options({ prefix: `${PREFIX}a/` }));
    const kv = await store.update(keyOf('a', 'one'), encode('a', 'one', 'x'), 1);
    await store.delete(keyOf('b', 'two'));
    await store.create(keyOf('a', 'three'), encode('a', 'three'));
    await all.waitForObjects(5);
    assert.deepEqual(all.objectEvents, [
      { type: 'ADDED', name: 'one', rv: '1', revision: 1 },
      { type: 'ADDED', name: 'two', rv: '2', revision: 2 },
      { type: 'MODIFIED', name: 'one', rv: String(kv.modRevision), revision: 3 },
      { type: 'DELETED', name: 'two', rv: '4', revision: 4 },
      { type: 'ADDED', name: 'three', rv: '5', revision: 5 },
    ]);
    await nsA.waitForObjects(3);
    assert.deepEqual(nsA.objectEvents.map((e) => `${e.type} ${e.name}`), ['ADDED one', 'MODIFIED one', 'ADDED three']);
    assert.equal(all.error, null);
  } finally {
    cacher.stop();
  }
});

test('a watch from a buffered revision replays exactly the later events, then goes live', async () => {
  const store = new FakeStore();
  const cacher = newCacher(store);
  await cacher.start();
  try {
    for (let i = 0; i < 10; i++) await store.create(keyOf('ns', `o${i}`), encode('ns', `o${i}`));
    await store.delete(keyOf('ns', 'o3'));
    await store.update(keyOf('ns', 'o4'), encode('ns', 'o4', 'changed'), 5);
    await cacher.waitForRevision(12);
    const from = 6;
    const c = new Collector();
    await cacher.watch(c.options({ afterRevision: from }));
    await store.create(keyOf('ns', 'late'), encode('ns', 'late'));
    await c.waitForObjects(7);
    await sleep(5);
    assert.deepEqual(c.objectEvents, expectedFrom(store.events(PREFIX, from)));
    const deleted = c.events.find((e) => e.type === 'DELETED');
    assert.equal(deleted?.type === 'DELETED' && deleted.object.metadata.resourceVersion, '11', 'DELETED carries the delete revision');
  } finally {
    cacher.stop();
  }
});

test('a watch from before the buffer is 410 Expired with Kubernetes message', async () => {
  const store = new FakeStore();
  const cacher = newCacher(store, { eventCapacity: 3, primeWindow: 0 });
  await cacher.start();
  try {
    for (let i = 0; i < 6; i++) await store.create(keyOf('ns', `o${i}`), encode('ns', `o${i}`));
    await cacher.waitForRevision(6);
    assert.equal(cacher.oldestResumableRevision, 3);
    await assert.rejects(cacher.watch(new Collector().options({ afterRevision: 2 })), (err: unknown) => {
      assert.ok(err instanceof StatusError);
      assert.equal(err.code, 410);
      assert.equal(err.reason, 'Expired');
      assert.equal(err.message, 'too old resource version: 2 (3)');
      return true;
    });
    const ok = new Collector();
    await cacher.watch(ok.options({ afterRevision: 3 }));
    await ok.waitForObjects(3);
    assert.deepEqual(ok.objectEvents.map((e) => e.revision), [4, 5, 6]);
  } finally {
    cacher.stop();
  }
});

test('predicates with transitions: leaving the selection is DELETED, entering it is ADDED', async () => {
  const store = new FakeStore();
  const cacher = newCacher(store);
  await cacher.start();
  try {
    const blue = new Collector();
    await cacher.watch(blue.options({ predicate: (o: TestObject) => o.metadata.labels?.color === 'blue' }));
    const k = keyOf('ns', 'x');
    let kv = await store.create(k, encode('ns', 'x', 'a', { color: 'red' }));
    kv = await store.update(k, encode('ns', 'x', 'b', { color: 'blue' }), kv.modRevision);
    kv = await store.update(k, encode('ns', 'x', 'c', { color: 'blue' }), kv.modRevision);
    kv = await store.update(k, encode('ns', 'x', 'd', { color: 'red' }), kv.modRevision);
    kv = await store.update(k, encode('ns', 'x', 'e', { color: 'blue' }), kv.modRevision);
    await store.delete(k);
    await blue.waitForObjects(5);
    await sleep(5);
    const seen = blue.events.flatMap((e) => (e.type === 'BOOKMARK' ? [] : [`${e.type} ${e.object.data} rv=${e.object.metadata.resourceVersion}`]));
    // The DELETED for leaving the selection carries the last matching content with the new resourceVersion.
    assert.deepEqual(seen, ['ADDED b rv=2', 'MODIFIED c rv=3', 'DELETED c rv=4', 'ADDED e rv=5', 'DELETED e rv=6']);
    // Cached objects are never changed by those copies.
    assert.equal((await cacher.list({ resourceVersion: '0' })).items.length, 0);
  } finally {
    cacher.stop();
  }
});

test('bookmarks: after the initial events, then periodically with the latest revision, only when asked for', async () => {
  const store = new FakeStore();
  await store.create(keyOf('ns', 'a'), encode('ns', 'a'));
  const cacher = newCacher(store, { bookmarkIntervalMs: 20 });
  await cacher.start();
  try {
    const withBookmarks = new Collector();
    const selective = new Collector();
    const without = new Collector();
    await cacher.watch(withBookmarks.options({ allowBookmarks: true }));
    await cacher.watch(selective.options({ allowBookmarks: true, afterRevision: 1, predicate: () => false }));
    await cacher.watch(without.options({}));
    await until(() => withBookmarks.events.length >= 2);
    assert.deepEqual(withBookmarks.events[1], { type: 'BOOKMARK', revision: 1, initialEventsEnd: true });
    // Writes elsewhere in the store advance the revision through progress notifications.
    await store.create('/registry/other/x', encode('x', 'x'));
    await store.create('/registry/other/y', encode('x', 'y'));
    await store.create(keyOf('ns', 'b'), encode('ns', 'b'));
    await store.create('/registry/other/z', encode('x', 'z'));
    await until(() => withBookmarks.bookmarks.includes(5) && selective.bookmarks.includes(5), 2_000, 'bookmark at 5');
    assert.deepEqual(selective.objectEvents, []);
    assert.deepEqual(without.bookmarks, []);
    assert.equal(without.objectEvents.length, 2);
    const revisions = withBookmarks.events.map((e) => e.revision);
    assert.deepEqual(revisions, [...revisions].sort((a, b) => a - b), 'bookmarks never go back in time');
  } finally {
    cacher.stop();
  }
});

test('a slow watcher is terminated when its queue overflows; the others get everything', async () => {
  const store = new FakeStore();
  const cacher = newCacher(store, { watcherQueueLimit: 5 });
  await cacher.start();
  try {
    let slowCalls = 0;
    let slowError: Error | null = null;
    await cacher.watch({
      onEvent: () => {
        slowCalls++;
        return new Promise<void>(() => {}); // never done: a client that stopped reading
      },
      onError: (err) => {
        slowError = err;
      },
    });
    const fast = new Collector();
    await cacher.watch(fast.options());
    assert.equal(cacher.watcherCount, 2);
    for (let i = 0; i < 10; i++) {
      await store.create(keyOf('ns', `o${i}`), encode('ns', `o${i}`));
      await sleep(1);
    }
    await fast.waitForObjects(10);
    await until(() => slowError !== null);
    assert.match(String(slowError), /fell more than 5 events behind/);
    assert.equal((slowError as unknown as { reason: string }).reason, 'overflow');
    assert.equal(slowCalls, 1);
    assert.equal(cacher.watcherCount, 1);
    assert.deepEqual(fast.objectEvents.map((e) => e.revision), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  } finally {
    cacher.stop();
  }
});

test('backpressure: a consumer returning a promise gets the next event only after it settles', async () => {
  const store = new FakeStore();
  const cacher = newCacher(store);
  await cacher.start();
  try {
    const got: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    await cacher.watch({
      onEvent: async (e) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(2);
        got.push(e.revision);
        inFlight--;
      },
    });
    for (let i = 0; i < 5; i++) await store.create(keyOf('ns', `o${i}`), encode('ns', `o${i}`));
    await until(() => got.length === 5);
    assert.deepEqual(got, [1, 2, 3, 4, 5]);
    assert.equal(maxInFlight, 1);
  } finally {
    cacher.stop();
  }
});

test('ordering under concurrent writers: every watcher sees the store history, gap-free and in order', async () => {
  const store = new FakeStore({ batchSize: 7 });
  const cacher = newCacher(store);
  await cacher.start();
  try {
    const fromZero = new Collector();
    const even = new Collector();
    await cacher.watch(fromZero.options());
    await cacher.watch(even.options({ predicate: (o: TestObject) => Number(o.data) % 2 === 0 }));
    let resumed: Collector | null = null;
    let resumedFrom = 0;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; i < 40; i++) {
        const key = keyOf('ns', `k${(w * 7 + i) % 12}`);
        const data = String(w * 1000 + i);
        try {
          const cur = await store.get(key);
          if (!cur) await store.create(key, encode('ns', key.slice(-3), data));
          else if (i % 5 === 0) await store.delete(key, cur.modRevision);
          else await store.update(key, encode('ns', key.slice(-3), data), cur.modRevision);
        } catch {
          // Lost a race with another writer: fine, the store stays consistent.
        }
        if (w === 0 && i === 20) {
          resumedFrom = cacher.revision;
          resumed = new Collector();
          await cacher.watch(resumed.options({ afterRevision: resumedFrom }));
        }
        if (i % 3 === 0) await sleep(0);
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    const last = await store.currentRevision();
    await cacher.waitForRevision(last);
    await until(() => fromZero.objectEvents.at(-1)?.revision === last, 2_000, 'watcher caught up');
    const history = expectedFrom(store.events(PREFIX, 0));
    assert.ok(history.length > 100);
    assert.deepEqual(fromZero.objectEvents, history);
    const r = resumed as unknown as Collector;
    await until(() => r.objectEvents.at(-1)?.revision === last);
    assert.deepEqual(r.objectEvents, expectedFrom(store.events(PREFIX, resumedFrom)));
    // The filtered watcher's view replays into exactly the matching part of the final state.
    const view = new Map<string, string>();
    for (const e of even.events) {
      if (e.type === 'BOOKMARK') continue;
      if (e.type === 'DELETED') view.delete(e.key);
      else view.set(e.key, e.object.data ?? '');
    }
    const finalEven = new Map((await store.list(PREFIX)).items.map((kv) => [kv.key, decode(kv).data ?? ''] as const).filter(([, d]) => Number(d) % 2 === 0));
    assert.deepEqual(view, finalEven);
    const cached = (await cacher.list({})).items.map((o) => o.data);
    assert.deepEqual(cached, (await store.list(PREFIX)).items.map((kv) => decode(kv).data));
  } finally {
    cacher.stop();
  }
});

test('when the store watch fails the cache re-lists, ends current watches, and serves new ones', async () => {
  const store = new FakeStore();
  await store.create(keyOf('ns', 'a'), encode('ns', 'a'));
  const cacher = newCacher(store);
  await cacher.start();
  try {
    for (const code of ['Expired', 'Unavailable'] as const) {
      const before = new Collector();
      await cacher.watch(before.options({ afterRevision: cacher.revision }));
      const listsBefore = store.calls.list;
      store.failWatches(code);
      await until(() => before.error !== null);
      assert.equal(before.error?.reason, 'reset');
      assert.equal(cacher.watcherCount, 0);
      await store.create(keyOf('ns', `during-${code}`), encode('ns', `during-${code}`));
      await until(() => cacher.isReady && store.calls.list > listsBefore, 2_000, 're-list');
      const after = new Collector();
      await cacher.watch(after.options());
      await store.create(keyOf('ns', `after-${code}`), encode('ns', `after-${code}`));
      await until(() => after.objectEvents.some((e) => e.name === `after-${code}`));
      assert.ok(after.objectEvents.some((e) => e.name === `during-${code}`));
      assert.equal(before.objectEvents.length, 0);
    }
  } finally {
    cacher.stop();
  }
});

test('priming: after a (re)list, watches from before the list revision resume from the store history', async () => {
  const store = new FakeStore();
  for (let i = 0; i < 8; i++) await store.create(keyOf('ns', `o${i}`), encode('ns', `o${i}`));
  await store.delete(keyOf('ns', 'o1'));
  await store.update(keyOf('ns', 'o2'), encode('ns', 'o2', 'x'), 3);
  await store.compact(3);
  const cacher = newCacher(store);
  await cacher.start();
  try {
    assert.equal(cacher.revision, 10);
    await until(() => cacher.oldestResumableRevision === 3, 2_000, 'priming confirmed');
    await assert.rejects(cacher.watch(new Collector().options({ afterRevision: 2 })), { code: 410, message: 'too old resource version: 2 (3)' });
    const c = new Collector();
    await cacher.watch(c.options({ afterRevision: 4 }));
    await c.waitForObjects(6);
    assert.deepEqual(c.objectEvents, expectedFrom(store.events(PREFIX, 4)));
    // The primed history also serves exact reads at older revisions.
    const old = await cacher.list({ resourceVersion: '5', resourceVersionMatch: 'Exact' });
    assert.deepEqual(old.items.map((o) => o.metadata.name), ['o0', 'o1', 'o2', 'o3', 'o4']);
  } finally {
    cacher.stop();
  }
});

test('stop ends every watch and waiting read', async () => {
  const store = new FakeStore();
  const cacher = newCacher(store, { waitTimeoutMs: 5_000 });
  await cacher.start();
  const c = new Collector();
  await cacher.watch(c.options());
  const waiting = assert.rejects(cacher.waitForRevision(100), { code: 503 });
  cacher.stop();
  await until(() => c.error !== null);
  assert.equal(c.error?.reason, 'stopped');
  await waiting;
  assert.equal(store.activeWatches, 0);
  await assert.rejects(cacher.watch(c.options()), { code: 503 });
});

test('an undecodable value is left out with a warning instead of breaking the cache', async () => {
  const store = new FakeStore();
  await store.create(keyOf('ns', 'good'), encode('ns', 'good'));
  await store.create(keyOf('ns', 'bad'), Buffer.from('{not json'));
  const warnings: string[] = [];
  const cacher = newCacher(store, { logger: { warn: (_o, msg) => warnings.push(msg) } });
  await cacher.start();
  try {
    assert.deepEqual((await cacher.list({})).items.map((o) => o.metadata.name), ['good']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /cannot decode/);
  } finally {
    cacher.stop();
  }
});

test('watches wait for the first list; past readyTimeoutMs they get 429 "storage is (re)initializing"', async () => {
  const store = new FakeStore();
  await store.create(keyOf('ns', 'a'), encode('ns', 'a'));
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const list = store.list.bind(store);
  store.list = async (prefix, opts) => {
    await gate;
    return list(prefix, opts);
  };
  const cacher = newCacher(store, { readyTimeoutMs: 30 });
  const started = cacher.start();
  try {
    await assert.rejects(cacher.watch(new Collector().options()), (err: unknown) => {
      assert.ok(err instanceof StatusError);
      assert.equal(err.code, 429);
      assert.equal(err.message, 'storage is (re)initializing');
      assert.equal(err.status.details?.retryAfterSeconds, 1);
      return true;
    });
    const c = new Collector();
    const watching = cacher.watch(c.options({ consistent: true }));
    release();
    await started;
    await watching;
    await c.waitForObjects(1);
    assert.deepEqual(c.objectEvents.map((e) => e.name), ['a']);
  } finally {
    cacher.stop();
  }
});
