/// <reference types="node" />
// The etcd store when etcd goes away: calls fail with Unavailable, watches resume after a restart
// without losing or repeating events, and give up with Unavailable if etcd stays away.
import { describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { collect, enc, expectCode } from '../conformance-helpers.js';
import { freePort, startEtcd } from '../../../test/util/etcd.js';
import { openEtcdStore } from './etcd-store.js';

describe('etcd store outages', () => {
  it('fails calls with Unavailable (quickly) while etcd is down', async () => {
    const etcd = await startEtcd();
    const s = await openEtcdStore(etcd.endpoint, { prefix: '/outage', requestTimeoutMs: 3000 });
    try {
      const kv = await s.create('/a', enc('1'));
      await etcd.stop();
      const started = Date.now();
      await expectCode(s.get('/a'), 'Unavailable');
      await expectCode(s.list('/'), 'Unavailable');
      await expectCode(s.create('/b', enc('1')), 'Unavailable');
      await expectCode(s.update('/a', enc('2'), kv.modRevision), 'Unavailable');
      await expectCode(s.delete('/a'), 'Unavailable');
      await expectCode(s.currentRevision(), 'Unavailable');
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    } finally {
      await s.close();
      await etcd.stop();
    }
  });

  it('refuses to open when no endpoint answers within connectTimeoutMs', async () => {
    const started = Date.now();
    await expectCode(openEtcdStore(`http://127.0.0.1:${await freePort()}`, { connectTimeoutMs: 300 }), 'Unavailable');
    assert.ok(Date.now() - started < 3000);
  });

  it('resumes a watch across an etcd restart with every event exactly once', { timeout: 60_000 }, async () => {
    // The test owns the data dir: startEtcd() removes a dir it created itself on stop.
    const dataDir = mkdtempSync(join(tmpdir(), 'kite-etcd-restart-'));
    const first = await startEtcd({ dataDir });
    const restartOpts = { dataDir, clientPort: first.clientPort, peerPort: first.peerPort };
    let second: Awaited<ReturnType<typeof startEtcd>> | undefined;
    const s = await openEtcdStore(first.endpoint, { prefix: '/restart', watchReconnectTimeoutMs: 30_000 });
    try {
      const base = await s.currentRevision();
      const w = collect(s, '/', base);
      const revisions: number[] = [];
      for (let i = 0; i < 5; i++) revisions.push((await s.create(`/before/${i}`, enc('v'))).modRevision);
      await w.waitForCount(5);
      // SIGTERM keeps the data dir; start a new process on it and the same ports.
      await first.stop();
      second = await startEtcd(restartOpts);
      for (let i = 0; i < 5; i++) revisions.push((await retryUnavailable(() => s.create(`/after/${i}`, enc('v')))).modRevision);
      await w.waitForCount(10, 20_000);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(w.events.map((e) => e.revision), revisions);
      assert.equal(w.errors.length, 0);
      w.cancel();
    } finally {
      await s.close();
      await second?.stop();
      await first.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('ends a watch with Unavailable when etcd stays away longer than watchReconnectTimeoutMs', async () => {
    const etcd = await startEtcd();
    const s = await openEtcdStore(etcd.endpoint, { prefix: '/gone', watchReconnectTimeoutMs: 500 });
    try {
      const w = collect(s, '/', await s.currentRevision());
      await s.create('/x', enc('1'));
      await w.waitForCount(1);
      await etcd.stop();
      const err = await w.waitForError(10_000);
      assert.equal(err.code, 'Unavailable');
      assert.equal(w.errors.length, 1);
    } finally {
      await s.close();
      await etcd.stop();
    }
  });
});

async function retryUnavailable<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= 50 || !(err instanceof Error && 'code' in err && err.code === 'Unavailable')) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
