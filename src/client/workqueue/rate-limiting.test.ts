import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock.js';
import { BucketRateLimiter, ItemExponentialRateLimiter, defaultControllerRateLimiter } from './rate-limiters.js';
import { RateLimitingQueue } from './rate-limiting-queue.js';

test('per-key exponential backoff: 5 ms doubling, capped at 1000 s, reset by forget', () => {
  const limiter = new ItemExponentialRateLimiter<string>();
  assert.deepEqual([1, 2, 3, 4, 5].map(() => limiter.when('a')), [5, 10, 20, 40, 80]);
  assert.equal(limiter.when('b'), 5, 'keys back off independently');
  assert.equal(limiter.numRequeues('a'), 5);
  for (let i = 0; i < 100; i++) limiter.when('a');
  assert.equal(limiter.when('a'), 1_000_000);
  limiter.forget('a');
  assert.equal(limiter.numRequeues('a'), 0);
  assert.equal(limiter.when('a'), 5);
});

test('token bucket: burst 100 free, then 10 per second', () => {
  const clock = new FakeClock();
  const bucket = new BucketRateLimiter<string>(10, 100, clock);
  for (let i = 0; i < 100; i++) assert.equal(bucket.when(`k${i}`), 0);
  assert.equal(bucket.when('x'), 100);
  assert.equal(bucket.when('y'), 200, 'each call beyond the burst waits one more token');
  clock.step(1000); // 10 tokens back, 2 owed
  for (let i = 0; i < 8; i++) assert.equal(bucket.when(`z${i}`), 0);
  assert.equal(bucket.when('w'), 100);
});

test('the default controller limiter takes the larger of backoff and bucket', () => {
  const clock = new FakeClock();
  const limiter = defaultControllerRateLimiter<string>(clock);
  assert.equal(limiter.when('a'), 5);
  assert.equal(limiter.when('a'), 10);
  for (let i = 0; i < 98; i++) limiter.when(`other${i}`);
  // The bucket is now empty: a fresh key waits for a token (100 ms), not its 5 ms backoff.
  assert.equal(limiter.when('fresh'), 100);
  assert.equal(limiter.numRequeues('a'), 2);
  limiter.forget('a');
  assert.equal(limiter.numRequeues('a'), 0);
});

test('addRateLimited brings a key back after its backoff; forget starts over', async () => {
  const clock = new FakeClock();
  const q = new RateLimitingQueue<string>({ clock, rateLimiter: new ItemExponentialRateLimiter<string>(5, 1000) });
  q.addRateLimited('a');
  clock.step(4);
  assert.equal(q.len(), 0);
  clock.step(1);
  assert.equal(q.len(), 1);
  const key = (await q.get())!;
  q.addRateLimited(key);
  q.done(key);
  clock.step(9);
  assert.equal(q.len(), 0, 'second failure waits 10 ms');
  clock.step(1);
  assert.equal(q.len(), 1);
  assert.equal(q.numRequeues('a'), 2);
  q.forget('a');
  assert.equal(q.numRequeues('a'), 0);
  q.shutDown();
});
