import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../client/clock.js';
import { Backoff } from './backoff.js';

test('kubelet backoff: a window per failure, doubling to the cap, expiring after twice the cap', () => {
  const clock = new FakeClock(0);
  const b = new Backoff(clock, { initialMs: 10_000, maxMs: 300_000 });
  assert.equal(b.isInBackOffSince('k', 0), false, 'no entry: no backoff');
  b.next('k', 0);
  assert.equal(b.get('k'), 10_000);
  assert.equal(b.isInBackOffSince('k', 0), true);
  clock.setTime(10_000);
  assert.equal(b.isInBackOffSince('k', 0), false, 'the window is closed');
  const windows: number[] = [];
  for (let i = 0; i < 7; i++) {
    b.next('k', clock.now());
    windows.push(b.get('k'));
  }
  assert.deepEqual(windows, [20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  assert.equal(b.remaining('k', clock.now()), 300_000);
  clock.step(600_001);
  b.next('k', clock.now());
  assert.equal(b.get('k'), 10_000, 'more than 10 minutes since the last failure: start over');
  assert.equal(b.isInBackOffSinceUpdate('k'), true);
  clock.step(10_000);
  assert.equal(b.isInBackOffSinceUpdate('k'), false);
  b.resetPrefix('k');
  assert.equal(b.get('k'), 0);
});
