import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../../apimachinery/errors.js';
import { FakeStore } from './fake-store.js';
import { type TestObject, decode, encode, keyOf, newCacher, sleep, until } from './test-helpers.js';
import type { CacherListOptions, CacherListResult } from './types.js';

const names = (items: TestObject[]): string[] => items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

async function seeded(n: number, opts: ConstructorParameters<typeof FakeStore>[0] = {}): Promise<FakeStore> {
  const store = new FakeStore(opts);
  for (let i = 0; i < n; i++) await store.create(keyOf(i % 2 ? 'odd' : 'even', `obj-${String(i).padStart(3, '0')}`), encode(i % 2 ? 'odd' : 'even', `obj-${String(i).padStart(3, '0')}`, `v${i}`));
  await store.create('/registry/other/x', encode('x', 'x'));
  return store;
}

/** All pages of a list, following continue tokens. */
async function listAll(list: (opts: CacherListOptions<TestObject>) => Promise<CacherListResult<TestObject>>, opts: CacherListOptions<TestObject>) {
  const pages: CacherListResult<TestObject>[] = [];
  let token = opts.continueToken;
  do {
    const page = await list({ ...opts, continueToken: token });
    pages.push(page);
    token = page.continueToken;
  } while (token);
  return pages;
}

test('start lists the prefix page by page at one revision and decodes once with resourceVersion set', async () => {
  const store = await seeded(25);
  const cacher = newCacher(store, { listPageSize: 4 });
  await cacher.start();
  try {
    assert.equal(store.calls.list, 7); // 25 keys in pages of 4
    assert.equal(cacher.revision, 26);
    assert.equal(cacher.count(), 25);
    const listed = await cacher.list({ resourceVersion: '0' });
    const again = await cacher.list({ resourceVersion: '0' });
    assert.equal(store.calls.list, 7, 'lists after start are served from memory');
    assert.equal(listed.revision, 26);
    assert.equal(listed.items.length, 25);
    const kvs = (await store.list('/registry/things/')).items;
    assert.deepEqual(names(listed.items), kvs.map((kv) => `${decode(kv).metadata.namespace}/${decode(kv).metadata.name}`));
    for (const [i, obj] of listed.items.entries()) assert.equal(obj.metadata.resourceVersion, String(kvs[i].modRevision));
    // The same object instances are served again: decoded once, not per request.
    assert.equal(again.items[0], listed.items[0]);
  } finally {
    cacher.stop();
  }
});

test('namespace prefixes and predicates scope a list', async () => {
  const store = await seeded(10);
  const cacher = newCacher(store);
  await cacher.start();
  try {
    const odd = await cacher.list({ prefix: '/registry/things/odd/' });
    assert.deepEqual(names(odd.items), ['odd/obj-001', 'odd/obj-003', 'odd/obj-005', 'odd/obj-007', 'odd/obj-009']);
    const filtered = await cacher.list({ predicate: (o) => o.data === 'v4' || o.data === 'v7' });
    assert.deepEqual(names(filtered.items), ['even/obj-004', 'odd/obj-007']);
    await assert.rejects(cacher.list({ prefix: '/registry/others/' }), /not under/);
  } finally {
    cacher.stop();
  }
});

test('a consistent read waits for the cache to catch up with the store, using progress notifications', async () => {
  const store = await seeded(3);
  const cacher = newCacher(store);
  await cacher.start();
  try {
    const listsBefore = store.calls.list;
    const created = await store.create(keyOf('even', 'new'), encode('even', 'new'));
    await store.create('/registry/other/y', encode('x', 'y')); // moves the store past our last event
    const listed = await cacher.list({});
    assert.ok(listed.revision >= created.modRevision + 1);
    assert.ok(names(listed.items).includes('even/new'));
    assert.equal(store.calls.list, listsBefore, 'served from memory');
  } finally {
    cacher.stop();
  }
});

test('without progress notifications a consistent read the cache cannot prove fresh goes to the store', async () => {
  const store = await seeded(3, { progressNotify: false });
  const cacher = newCacher(store);
  await cacher.start();
  try {
    await until(() => cacher.revision === 4);
    let listsBefore = store.calls.list;
    await cacher.list({});
    assert.equal(store.calls.list, listsBefore, 'fresh cache: served from memory');
    await store.create('/registry/other/y', encode('x', 'y'));
    listsBefore = store.calls.list;
    const listed = await cacher.list({});
    assert.equal(store.calls.list, listsBefore + 1, 'served by the store');
    assert.equal(listed.revision, 5);
    assert.equal(listed.items.length, 3);
    assert.equal(listed.items[0].metadata.resourceVersion, '1');
  } finally {
    cacher.stop();
  }
});

test('resourceVersion N waits until the cache has N; a revision never reached is 504 Too large resource version', async () => {
  const store = await seeded(2);
  const cacher = newCacher(store, { waitTimeoutMs: 50 });
  await cacher.start();
  try {
    const kv = await store.create(keyOf('even', 'fresh'), encode('even', 'fresh'));
    const listed = await cacher.list({ resourceVersion: String(kv.modRevision) });
    assert.ok(names(listed.items).includes('even/fresh'));
    const got = await cacher.get(keyOf('even', 'fresh'), { resourceVersion: String(kv.modRevision) });
    assert.equal(got?.metadata.resourceVersion, String(kv.modRevision));
    await assert.rejects(cacher.list({ resourceVersion: '999' }), (err: unknown) => {
      assert.ok(err instanceof StatusError);
      assert.equal(err.code, 504);
      assert.equal(err.reason, 'Timeout');
      assert.equal(err.message, `Timeout: Too large resource version: 999, current: ${cacher.revision}`);
      assert.deepEqual(err.status.details, { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 });
      return true;
    });
  } finally {
    cacher.stop();
  }
});

test('pages of a list stay at the first page revision while writes go on, served from memory', async () => {
  const store = await seeded(30);
  const cacher = newCacher(store);
  await cacher.start();
  try {
    const first = await cacher.list({ limit: 10 });
    assert.equal(first.items.length, 10);
    assert.equal(first.remainingItemCount, 20);
    const atRevision = first.revision;
    const expected = (await store.list('/registry/things/', { revision: atRevision })).items.map((kv) => decode(kv).data);
    // Writes in every part of the key space: after, inside and before the next page.
    await store.delete(keyOf('odd', 'obj-015'));
    await store.create(keyOf('even', 'obj-011a'), encode('even', 'obj-011a'));
    const kv = await store.get(keyOf('odd', 'obj-021'));
    await store.update(keyOf('odd', 'obj-021'), encode('odd', 'obj-021', 'changed'), kv?.modRevision as number);
    await store.delete(keyOf('even', 'obj-000'));
    await store.create(keyOf('odd', 'zzz'), encode('odd', 'zzz'));
    await cacher.waitForRevision(await store.currentRevision());
    const listsBefore = store.calls.list;
    const pages = [first, ...(await listAll((o) => cacher.list(o), { limit: 10, continueToken: first.continueToken }))];
    assert.equal(store.calls.list, listsBefore, 'older pages come from the buffer, not the store');
    assert.ok(pages.every((p) => p.revision === atRevision));
    assert.deepEqual(pages.flatMap((p) => p.items.map((o) => o.data)), expected);
    assert.equal(pages[1].remainingItemCount, 10);
    // A new list sees the writes.
    const now = await cacher.list({});
    assert.ok(names(now.items).includes('odd/zzz'));
    assert.ok(!names(now.items).includes('odd/obj-015'));
  } finally {
    cacher.stop();
  }
});

test('pagination with a predicate and a namespace prefix', async () => {
  const store = await seeded(40);
  const cacher = newCacher(store);
  await cacher.start();
  try {
    const predicate = (o: TestObject): boolean => Number(o.data?.slice(1)) % 3 === 0;
    const pages = await listAll((o) => cacher.list(o), { prefix: '/registry/things/even/', limit: 3, predicate });
    const all = pages.flatMap((p) => names(p.items));
    assert.deepEqual(all, ['even/obj-000', 'even/obj-006', 'even/obj-012', 'even/obj-018', 'even/obj-024', 'even/obj-030', 'even/obj-036']);
    assert.ok(pages.every((p) => p.remainingItemCount === undefined));
  } finally {
    cacher.stop();
  }
});

test('a page at a revision older than the buffer is read from the store; once compacted it is 410 with a token to go on', async () => {
  const store = await seeded(12);
  const cacher = newCacher(store, { eventCapacity: 3, primeWindow: 0 });
  await cacher.start();
  try {
    const first = await cacher.list({ limit: 5 });
    const expected = (await store.list('/registry/things/', { revision: first.revision })).items.map((kv) => decode(kv).data);
    for (let i = 0; i < 5; i++) await store.create(keyOf('even', `late-${i}`), encode('even', `late-${i}`));
    await cacher.waitForRevision(await store.currentRevision());
    let listsBefore = store.calls.list;
    const second = await cacher.list({ limit: 5, continueToken: first.continueToken });
    assert.equal(store.calls.list, listsBefore + 1, 'the buffer no longer reaches back: the store answers');
    assert.equal(second.revision, first.revision);
    const rest = await listAll((o) => cacher.list(o), { limit: 5, continueToken: second.continueToken });
    assert.deepEqual([...first.items, ...second.items, ...rest.flatMap((p) => p.items)].map((o) => o.data), expected);

    await store.compact(await store.currentRevision());
    listsBefore = store.calls.list;
    const err = await cacher.list({ limit: 5, continueToken: first.continueToken }).then(
      () => assert.fail('expected 410'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StatusError);
    assert.equal(err.code, 410);
    assert.equal(err.reason, 'Expired');
    assert.match(err.message, /^The provided continue parameter is too old to display a consistent list result\. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results\. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list\.$/);
    const inconsistent = err.status.metadata.continue as string;
    assert.equal(JSON.parse(Buffer.from(inconsistent, 'base64url').toString()).rv, -1);
    const goOn = await cacher.list({ limit: 100, continueToken: inconsistent });
    assert.equal(goOn.revision, cacher.revision);
    assert.deepEqual(names(goOn.items).slice(0, 2), ['even/obj-010', 'odd/obj-001']);
    assert.ok(names(goOn.items).includes('odd/obj-011'));
  } finally {
    cacher.stop();
  }
});

test('Exact reads: from memory inside the buffer window, 410 "too old" from the store once compacted', async () => {
  const store = await seeded(6);
  const cacher = newCacher(store, { eventCapacity: 2, primeWindow: 0 });
  await cacher.start();
  try {
    const at = cacher.revision;
    await store.delete(keyOf('even', 'obj-000'));
    await cacher.waitForRevision(at + 1);
    const listsBefore = store.calls.list;
    const exact = await cacher.list({ resourceVersion: String(at), resourceVersionMatch: 'Exact' });
    assert.equal(store.calls.list, listsBefore);
    assert.equal(exact.revision, at);
    assert.equal(exact.items.length, 6);
    await store.compact(at + 1);
    for (let i = 0; i < 3; i++) await store.create(keyOf('odd', `n${i}`), encode('odd', `n${i}`));
    await cacher.waitForRevision(await store.currentRevision());
    await assert.rejects(cacher.list({ resourceVersion: String(at), resourceVersionMatch: 'Exact' }), {
      code: 410,
      message: 'The resourceVersion for the provided list is too old.',
    });
  } finally {
    cacher.stop();
  }
});

test('get serves from memory; a consistent get waits for the store revision; reads before ready go to the store', async () => {
  const store = await seeded(4);
  const cacher = newCacher(store);
  const early = cacher.get(keyOf('even', 'obj-000'), { resourceVersion: '0' });
  const earlyList = cacher.list({ resourceVersion: '0' });
  const started = cacher.start();
  assert.equal((await early)?.data, 'v0');
  assert.equal((await earlyList).items.length, 4);
  await started;
  try {
    const getsBefore = store.calls.get;
    assert.equal((await cacher.get(keyOf('odd', 'obj-001')))?.data, 'v1');
    assert.equal(await cacher.get(keyOf('odd', 'nope')), null);
    const kv = await store.create(keyOf('odd', 'fresh'), encode('odd', 'fresh', 'hello'));
    const fresh = await cacher.get(keyOf('odd', 'fresh'));
    assert.equal(fresh?.data, 'hello');
    assert.equal(fresh?.metadata.resourceVersion, String(kv.modRevision));
    assert.equal(store.calls.get, getsBefore, 'served from memory');
    await sleep(0);
  } finally {
    cacher.stop();
  }
});
