/// <reference types="node" />
// The shared Store conformance suite, plus etcd-specific behaviour, against a real etcd (one per file).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runStoreConformance } from '../conformance.js';
import { collect, dec, enc, expectCode } from '../conformance-helpers.js';
import { startEtcd, type RunningEtcd } from '../../../test/util/etcd.js';
import { openEtcdStore, type EtcdStoreOptions } from './etcd-store.js';
import type { Store } from '../store.js';

let etcd: Promise<RunningEtcd> | undefined;
const sharedEtcd = (): Promise<RunningEtcd> => (etcd ??= startEtcd());
after(async () => {
  if (etcd) await (await etcd).stop();
});

let caseNumber = 0;
async function openShared(opts: EtcdStoreOptions = {}): Promise<Store> {
  const { endpoint } = await sharedEtcd();
  return openEtcdStore(endpoint, { prefix: `/kite-test-${++caseNumber}`, ...opts });
}

runStoreConformance('etcd', async () => {
  const store = await openShared();
  return { store, cleanup: () => store.close() };
});

describe('etcd store specifics', () => {
  it('prepends the prefix in etcd and strips it from results; "/a" and "/ab" stores stay apart', async () => {
    const { endpoint } = await sharedEtcd();
    const tag = `iso${++caseNumber}`;
    const a = await openEtcdStore(endpoint, { prefix: `/${tag}` });
    const ab = await openEtcdStore(endpoint, { prefix: `/${tag}b/` }); // trailing slash is ignored
    const raw = await openEtcdStore(endpoint, { prefix: '' });
    try {
      const before = await raw.currentRevision();
      const wa = collect(a, '', before);
      const wab = collect(ab, '', before);
      await a.create('/pods/x', enc('in a'));
      await ab.create('/pods/x', enc('in ab'));
      await ab.create('/pods/y', enc('in ab'));
      assert.deepEqual((await raw.list(`/${tag}`)).items.map((i) => [i.key, dec(i.value)]), [
        [`/${tag}/pods/x`, 'in a'],
        [`/${tag}b/pods/x`, 'in ab'],
        [`/${tag}b/pods/y`, 'in ab'],
      ]);
      assert.deepEqual((await a.list('')).items.map((i) => i.key), ['/pods/x']);
      assert.equal(await a.count(''), 1);
      assert.equal(await ab.count(''), 2);
      assert.equal(dec((await a.get('/pods/x'))!.value), 'in a');
      assert.equal(await a.get('/pods/y'), null);
      await wa.waitForCount(1);
      await wab.waitForCount(2);
      assert.deepEqual(wa.events.map((e) => e.kv.key), ['/pods/x']);
      assert.deepEqual(wab.events.map((e) => e.kv.key), ['/pods/x', '/pods/y']);
      wa.cancel();
      wab.cancel();
    } finally {
      await Promise.all([a.close(), ab.close(), raw.close()]);
    }
  });

  it('uses /registry as the default prefix, like kube-apiserver', async () => {
    const { endpoint } = await sharedEtcd();
    const store = await openEtcdStore(endpoint, {});
    const raw = await openEtcdStore(endpoint, { prefix: '' });
    try {
      const kv = await store.create(`/default-prefix-${++caseNumber}`, enc('v'));
      const seen = await raw.get(`/registry${kv.key}`);
      assert.equal(seen?.modRevision, kv.modRevision);
    } finally {
      await Promise.all([store.close(), raw.close()]);
    }
  });

  it('rejects keys and prefixes that do not start with "/" (they would escape the prefix)', async () => {
    const s = await openShared();
    try {
      await assert.rejects(s.create('pods/x', enc('v')), TypeError);
      await assert.rejects(s.list('pods/'), TypeError);
      assert.throws(() => s.watch('pods/', { afterRevision: 0, onEvents: () => {}, onError: () => {} }), TypeError);
    } finally {
      await s.close();
    }
  });

  it('lists from a startKey before the prefix as from the prefix, and past it as empty', async () => {
    const s = await openShared();
    try {
      for (const k of ['/a/1', '/a/2', '/b/1']) await s.create(k, enc(k));
      assert.deepEqual((await s.list('/a/', { startKey: '/' })).items.map((i) => i.key), ['/a/1', '/a/2']);
      const past = await s.list('/a/', { startKey: '/b/' });
      assert.deepEqual([past.items.length, past.more], [0, false]);
      assert.equal(past.revision, await s.currentRevision());
    } finally {
      await s.close();
    }
  });

  it('cancelling watches does not disturb calls in flight on the same connection', async () => {
    const s = await openShared();
    try {
      let stop = false;
      let writes = 0;
      const writer = (async () => {
        for (let i = 0; !stop; i++, writes++) await s.create(`/churn/${i}`, enc('v'));
      })();
      for (let i = 0; i < 50; i++) {
        const w = collect(s, '/churn/', await s.currentRevision());
        await new Promise((r) => setTimeout(r, 5));
        w.cancel();
        assert.equal(w.errors.length, 0);
      }
      stop = true;
      await writer; // rejects if any write failed
      assert.ok(writes > 0);
    } finally {
      await s.close();
    }
  });

  it('reports a revision etcd has not reached yet as Unavailable (retry later)', async () => {
    const s = await openShared();
    try {
      const future = (await s.currentRevision()) + 1000;
      await expectCode(s.get('/x', { revision: future }), 'Unavailable');
      await expectCode(s.list('/', { revision: future }), 'Unavailable');
    } finally {
      await s.close();
    }
  });

  it('fails over to a live member when one endpoint refuses connections', async () => {
    const { endpoint } = await sharedEtcd();
    const { freePort } = await import('../../../test/util/etcd.js');
    const dead = `http://127.0.0.1:${await freePort()}`;
    const s = await openEtcdStore(`${dead}, ${endpoint.replace('http://', 'etcd://')}`, { prefix: `/failover-${++caseNumber}` });
    try {
      const w = collect(s, '/', await s.currentRevision());
      for (let i = 0; i < 20; i++) await s.create(`/k${i}`, enc(String(i)));
      assert.equal(await s.count('/'), 20);
      await w.waitForCount(20);
      assert.deepEqual(w.events.map((e) => e.kv.key), Array.from({ length: 20 }, (_, i) => `/k${i}`));
      w.cancel();
    } finally {
      await s.close();
    }
  });

  it('ends open watches with Closed when the store closes', async () => {
    const s = await openShared();
    const w = collect(s, '/', await s.currentRevision());
    await s.close();
    const err = await w.waitForError(2000);
    assert.equal(err.code, 'Closed');
    const late = collect(s, '/', 0);
    assert.equal((await late.waitForError(2000)).code, 'Closed');
  });
});
