import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../apimachinery/errors.js';
import { FakeClock } from './clock.js';
import { FakeClient } from './fake/fake-client.js';
import { indexByNodeName, indexByOwnerUid } from './indexer.js';
import { SharedInformer, newInformer } from './informer.js';
import { Lister } from './lister.js';
import { CONFIGMAPS, PODS } from './resources.js';
import { recordEvents } from './testing.js';
import { unwrapTombstone } from './tombstone.js';
import type { ApiObject } from './types.js';

const cm = (name: string, data: Record<string, string> = {}, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
  data,
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
const fastBackoff = { initialMs: 1, maxMs: 5 };

async function withInformer<T extends ApiObject>(
  fake: FakeClient,
  make: (fake: FakeClient) => SharedInformer<T>,
  body: (informer: SharedInformer<T>, rec: ReturnType<typeof recordEvents<T>>) => Promise<void>,
): Promise<void> {
  const informer = make(fake);
  const rec = recordEvents(informer);
  const stop = new AbortController();
  const running = informer.run(stop.signal);
  try {
    assert.equal(await informer.waitForSync(), true);
    await body(informer, rec);
  } finally {
    stop.abort();
    await running;
  }
  assert.equal(fake.tracker.openWatches, 0, 'stopping the informer closed its watch');
}

test('first list fills the cache and reports adds; later writes arrive in order', async () => {
  const fake = new FakeClient();
  await fake.create(CONFIGMAPS, 'default', cm('a'));
  await fake.create(CONFIGMAPS, 'default', cm('b'));
  await withInformer(fake, (f) => newInformer(f, { type: CONFIGMAPS, freeze: true, backoff: fastBackoff }), async (informer, rec) => {
    assert.deepEqual(rec.events, ['add default/a 1', 'add default/b 2']);
    assert.equal(rec.registration.hasSynced(), true);
    await fake.create(CONFIGMAPS, 'default', cm('c'));
    await fake.patch(CONFIGMAPS, 'default', 'a', 'merge', { data: { k: 'v' } });
    await fake.delete(CONFIGMAPS, 'default', 'b');
    await rec.waitFor(5);
    await settle();
    assert.deepEqual(rec.events.slice(2), ['add default/c 3', 'update default/a 1->4', 'delete default/b 5']);
    const lister = new Lister(informer.indexer);
    assert.deepEqual(lister.namespace('default').list().map((o) => o.metadata?.name).sort(), ['a', 'c']);
    assert.deepEqual((lister.namespace('default').get('a') as { data?: unknown }).data, { k: 'v' });
    assert.equal(informer.lastSyncResourceVersion(), '5');
  });
});

test('cached objects are frozen in tests: a consumer that mutates one fails loudly', async () => {
  const fake = new FakeClient();
  await fake.create(CONFIGMAPS, 'default', cm('a', { x: '1' }));
  await withInformer(fake, (f) => newInformer(f, { type: CONFIGMAPS, freeze: true }), async (informer) => {
    const obj = informer.indexer.get('default/a') as { data: Record<string, string>; metadata: { labels?: object } };
    assert.throws(() => {
      obj.data.x = '2';
    }, TypeError);
    assert.throws(() => {
      obj.metadata.labels = {};
    }, TypeError);
  });
});

test('a closed watch resumes from the last resourceVersion: no relist, no duplicate, nothing missed', async () => {
  const fake = new FakeClient();
  await fake.create(CONFIGMAPS, 'default', cm('a'));
  await withInformer(fake, (f) => newInformer(f, { type: CONFIGMAPS, freeze: true, backoff: fastBackoff }), async (_informer, rec) => {
    await fake.create(CONFIGMAPS, 'default', cm('b'));
    await rec.waitFor(2);
    fake.tracker.closeWatches();
    // Written while no watch is open (no await in between): the next watch replays them from history.
    await Promise.all([fake.create(CONFIGMAPS, 'default', cm('c')), fake.patch(CONFIGMAPS, 'default', 'b', 'merge', { data: { y: '1' } })]);
    await rec.waitFor(4);
    await settle();
    assert.deepEqual(rec.events, ['add default/a 1', 'add default/b 2', 'add default/c 3', 'update default/b 2->4']);
    const lists = fake.actions.filter((a) => a.verb === 'list');
    const watches = fake.actions.filter((a) => a.verb === 'watch');
    assert.equal(lists.length, 1, 'no relist');
    assert.deepEqual(watches.map((w) => w.resourceVersion), ['1', '2']);
  });
});

for (const expiredWatchAs of ['event', 'http'] as const) {
  test(`410 Expired (${expiredWatchAs}) relists and emits the differences: tombstones for the gone, updates for the changed`, async () => {
    const fake = new FakeClient({ expiredWatchAs });
    for (const name of ['a', 'b', 'c']) await fake.create(CONFIGMAPS, 'default', cm(name, { v: '0' }));
    await withInformer(fake, (f) => newInformer(f, { type: CONFIGMAPS, freeze: true, backoff: fastBackoff }), async (informer, rec) => {
      const deletes: ApiObject[] = [];
      informer.addEventHandler({ onDelete: (obj) => deletes.push(unwrapTombstone(obj)) });
      // In one synchronous stretch (the fake's calls finish before their promises resolve), so
      // the reflector cannot watch again in between: the history it needs disappears.
      fake.tracker.closeWatches();
      const writes = [
        fake.delete(CONFIGMAPS, 'default', 'b'),
        fake.patch(CONFIGMAPS, 'default', 'c', 'merge', { data: { v: '1' } }),
        fake.create(CONFIGMAPS, 'default', cm('d')),
      ];
      fake.tracker.compact();
      await Promise.all(writes);
      await rec.waitFor(6);
      await settle();
      assert.deepEqual(rec.events.slice(3).sort(), ['add default/d 6', 'delete(tombstone) default/b 2', 'update default/c 3->5']);
      assert.equal(deletes[0]?.metadata?.name, 'b', 'unwrapTombstone gives the last known object');
      assert.equal(fake.actions.filter((a) => a.verb === 'list').length, 2, 'one relist');
      assert.deepEqual(informer.indexer.listKeys().sort(), ['default/a', 'default/c', 'default/d']);
      await fake.create(CONFIGMAPS, 'default', cm('e'));
      await rec.waitFor(7);
      assert.equal(rec.events[6], 'add default/e 7', 'watching again after the relist');
    });
  });
}

test('bookmarks advance the resourceVersion the next watch starts from', async () => {
  const fake = new FakeClient();
  await fake.create(CONFIGMAPS, 'default', cm('a'));
  await withInformer(fake, (f) => newInformer(f, { type: CONFIGMAPS, namespace: 'default', backoff: fastBackoff }), async (informer) => {
    await fake.create(CONFIGMAPS, 'other', { ...cm('x'), metadata: { name: 'x', namespace: 'other' } });
    fake.tracker.sendBookmarks();
    await settle();
    assert.equal(informer.lastSyncResourceVersion(), '2');
    fake.tracker.closeWatches();
    await settle();
    assert.deepEqual(fake.actions.filter((a) => a.verb === 'watch').map((w) => w.resourceVersion), ['1', '2']);
  });
});

test('a label-selected informer sees an object relabelled out of its selector as deleted', async () => {
  const fake = new FakeClient();
  await fake.create(CONFIGMAPS, 'default', cm('a', {}, { app: 'web' }));
  await withInformer(fake, (f) => newInformer(f, { type: CONFIGMAPS, labelSelector: 'app=web', backoff: fastBackoff }), async (informer, rec) => {
    await fake.patch(CONFIGMAPS, 'default', 'a', 'merge', { metadata: { labels: { app: 'db' } } });
    await rec.waitFor(2);
    assert.equal(rec.events[1], 'delete default/a 2');
    assert.equal(informer.indexer.size, 0);
  });
});

test('a handler added after sync gets the cached objects replayed as initial adds', async () => {
  const fake = new FakeClient();
  await fake.create(CONFIGMAPS, 'default', cm('a'));
  await withInformer(fake, (f) => newInformer(f, { type: CONFIGMAPS }), async (informer) => {
    const seen: Array<[string | undefined, boolean]> = [];
    const reg = informer.addEventHandler({ onAdd: (obj, initial) => seen.push([obj.metadata?.name, initial]) });
    assert.deepEqual(seen, [['a', true]]);
    assert.equal(reg.hasSynced(), true);
    reg.remove();
    await fake.create(CONFIGMAPS, 'default', cm('b'));
    await settle();
    assert.equal(seen.length, 1, 'a removed handler hears nothing more');
  });
});

test('resync calls onUpdate(obj, obj) for every cached object each period', async () => {
  const fake = new FakeClient();
  const clock = new FakeClock();
  await fake.create(CONFIGMAPS, 'default', cm('a'));
  await fake.create(CONFIGMAPS, 'default', cm('b'));
  await withInformer(fake, (f) => newInformer(f, { type: CONFIGMAPS, clock, resyncPeriodMs: 30_000 }), async (_informer, rec) => {
    clock.step(29_999);
    assert.equal(rec.events.length, 2);
    clock.step(1);
    assert.deepEqual(rec.events.slice(2), ['resync default/a 1', 'resync default/b 2']);
    clock.step(30_000);
    assert.equal(rec.events.length, 6);
  });
});

test('named indexes follow updates: pods by node name and by owner uid', async () => {
  const fake = new FakeClient();
  const pod = (name: string, nodeName?: string, owner?: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns', ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: owner, controller: true }] } : {}) },
    spec: nodeName ? { nodeName } : {},
  });
  await fake.create(PODS, 'ns', pod('p1', 'n1', 'u1'));
  await fake.create(PODS, 'ns', pod('p2', undefined, 'u1'));
  await withInformer(
    fake,
    (f) => newInformer<ApiObject & { spec?: { nodeName?: string } }>(f, { type: PODS, indexers: { node: indexByNodeName, owner: indexByOwnerUid } }),
    async (informer, rec) => {
      const lister = new Lister(informer.indexer);
      assert.deepEqual(lister.byIndex('node', 'n1').map((p) => p.metadata?.name), ['p1']);
      assert.deepEqual(lister.byIndex('owner', 'u1').map((p) => p.metadata?.name).sort(), ['p1', 'p2']);
      await fake.create(PODS, 'ns', { metadata: { name: 'p2' }, target: { name: 'n1' } }, { subresource: 'binding' });
      await rec.waitFor(3);
      assert.deepEqual(lister.byIndex('node', 'n1').map((p) => p.metadata?.name).sort(), ['p1', 'p2']);
      await fake.delete(PODS, 'ns', 'p1');
      await rec.waitFor(4);
      assert.deepEqual(lister.byIndex('node', 'n1').map((p) => p.metadata?.name), ['p2']);
      assert.deepEqual(informer.indexer.indexValues('owner'), ['u1']);
    },
  );
});

test('a failing list is retried with backoff until it succeeds', async () => {
  const fake = new FakeClient();
  await fake.create(CONFIGMAPS, 'default', cm('a'));
  let failures = 2;
  fake.prependReactor((action) => {
    if (action.verb === 'list' && failures-- > 0) throw new StatusError(503, 'ServiceUnavailable', 'not yet');
    return undefined;
  });
  const logged: string[] = [];
  await withInformer(fake, (f) => newInformer(f, { type: CONFIGMAPS, backoff: fastBackoff, log: (msg) => logged.push(msg) }), async (_informer, rec) => {
    assert.deepEqual(rec.events, ['add default/a 1']);
    assert.deepEqual(logged, ['list failed', 'list failed']);
  });
});

test('waitForSync answers false when its signal aborts before the first list', async () => {
  const fake = new FakeClient();
  fake.prependReactor((action) => {
    if (action.verb === 'list') throw new StatusError(503, 'ServiceUnavailable', 'down');
    return undefined;
  });
  const informer = newInformer(fake, { type: CONFIGMAPS, backoff: fastBackoff });
  const stop = new AbortController();
  const running = informer.run(stop.signal);
  const waiting = informer.waitForSync(AbortSignal.timeout(30));
  assert.equal(await waiting, false);
  assert.equal(informer.hasSynced(), false);
  stop.abort();
  await running;
});
