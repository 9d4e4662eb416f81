import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './clock.js';
import { processNextWorkItem, runController } from './controller-base.js';
import { FakeClient } from './fake/fake-client.js';
import { newInformer } from './informer.js';
import { CONFIGMAPS } from './resources.js';
import { ItemExponentialRateLimiter } from './workqueue/rate-limiters.js';
import { RateLimitingQueue } from './workqueue/rate-limiting-queue.js';

test('processNextWorkItem: failure -> retried after backoff, success -> forgotten', async () => {
  const clock = new FakeClock();
  const queue = new RateLimitingQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter<string>(5, 1000) });
  let calls = 0;
  const opts = {
    name: 'test',
    queue,
    sync: async (key: string) => {
      calls++;
      if (calls <= 2) throw new Error(`boom ${key}`);
    },
  };
  queue.add('k');
  assert.equal(await processNextWorkItem(opts), true);
  assert.equal(queue.len(), 0);
  assert.equal(queue.numRequeues('k'), 1);
  clock.step(5);
  assert.equal(queue.len(), 1, 'back after 5 ms');
  await processNextWorkItem(opts);
  clock.step(9);
  assert.equal(queue.len(), 0);
  clock.step(1);
  assert.equal(queue.len(), 1, 'back after 10 ms');
  await processNextWorkItem(opts);
  assert.equal(calls, 3);
  assert.equal(queue.numRequeues('k'), 0, 'forgotten after success');
  assert.equal(queue.isProcessing('k'), false);
  queue.shutDown();
  assert.equal(await processNextWorkItem(opts), false);
});

test('maxRetries drops a key that keeps failing', async () => {
  const clock = new FakeClock();
  const queue = new RateLimitingQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter<string>(1, 10) });
  const logs: string[] = [];
  const opts = { name: 'test', queue, maxRetries: 2, log: (msg: string) => logs.push(msg), sync: async () => Promise.reject(new Error('always')) };
  queue.add('k');
  for (let i = 0; i < 3; i++) {
    await processNextWorkItem(opts);
    clock.step(100);
  }
  assert.equal(queue.len(), 0);
  assert.equal(queue.waitingLen(), 0);
  assert.deepEqual(logs, ['sync failed; retrying', 'sync failed; retrying', 'dropping key after repeated failures']);
  queue.shutDown();
});

test('runController waits for caches, runs workers without overlapping a key, and stops on abort', async () => {
  const fake = new FakeClient();
  for (let i = 0; i < 20; i++) await fake.create(CONFIGMAPS, 'default', { metadata: { name: `cm${i}` } });
  const informer = newInformer(fake, { type: CONFIGMAPS });
  const queue = new RateLimitingQueue<string>();
  informer.addEventHandler({
    onAdd: (obj) => queue.add(`${obj.metadata?.namespace}/${obj.metadata?.name}`),
    onUpdate: (_old, obj) => queue.add(`${obj.metadata?.namespace}/${obj.metadata?.name}`),
  });
  const stop = new AbortController();
  const informerRun = informer.run(stop.signal);
  const active = new Set<string>();
  const synced: string[] = [];
  let overlap = false;
  let cacheSizeAtFirstSync = -1;
  const controllerRun = runController({
    name: 'test',
    queue,
    workers: 4,
    signal: stop.signal,
    caches: [informer],
    sync: async (key) => {
      if (cacheSizeAtFirstSync < 0) cacheSizeAtFirstSync = informer.indexer.size;
      if (active.has(key)) overlap = true;
      active.add(key);
      await new Promise((r) => setTimeout(r, 1));
      active.delete(key);
      synced.push(key);
    },
  });
  while (synced.length < 20) await new Promise((r) => setTimeout(r, 5));
  await fake.patch(CONFIGMAPS, 'default', 'cm3', 'merge', { data: { a: 'b' } });
  while (synced.length < 21) await new Promise((r) => setTimeout(r, 5));
  stop.abort();
  await Promise.all([controllerRun, informerRun]);
  assert.equal(cacheSizeAtFirstSync, 20, 'no sync before the cache was complete');
  assert.equal(overlap, false);
  assert.equal(synced[20], 'default/cm3');
  assert.equal(queue.shuttingDown(), true);
});
