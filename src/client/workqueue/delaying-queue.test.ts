import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock.js';
import { DelayingQueue } from './delaying-queue.js';

test('addAfter adds the key only when its delay has passed', async () => {
  const clock = new FakeClock();
  const q = new DelayingQueue<string>({ clock });
  q.addAfter('a', 100);
  assert.equal(q.len(), 0);
  assert.equal(q.waitingLen(), 1);
  clock.step(99);
  assert.equal(q.len(), 0);
  clock.step(1);
  assert.equal(q.len(), 1);
  assert.equal(await q.get(), 'a');
  assert.equal(q.waitingLen(), 0);
});

test('a zero or negative delay adds at once', () => {
  const q = new DelayingQueue<string>({ clock: new FakeClock() });
  q.addAfter('a', 0);
  q.addAfter('b', -5);
  assert.equal(q.len(), 2);
});

test('a key waiting twice keeps the earlier time', () => {
  const clock = new FakeClock();
  const q = new DelayingQueue<string>({ clock });
  q.addAfter('a', 100);
  q.addAfter('a', 50);
  q.addAfter('a', 200);
  assert.equal(q.waitingLen(), 1);
  clock.step(50);
  assert.equal(q.len(), 1);
  clock.step(500);
  assert.equal(q.len(), 1, 'the later request did not add it a second time');
});

test('ready keys enter in ready-time order, not insertion order', async () => {
  const clock = new FakeClock();
  const q = new DelayingQueue<string>({ clock });
  q.addAfter('late', 30);
  q.addAfter('early', 10);
  q.addAfter('middle', 20);
  clock.step(30);
  assert.deepEqual([await q.get(), await q.get(), await q.get()], ['early', 'middle', 'late']);
});

test('a worker waiting in get() is woken by a delayed add', async () => {
  const clock = new FakeClock();
  const q = new DelayingQueue<string>({ clock });
  const got = q.get();
  q.addAfter('a', 1000);
  clock.step(1000);
  assert.equal(await got, 'a');
});

test('shutDown cancels pending delays', () => {
  const clock = new FakeClock();
  const q = new DelayingQueue<string>({ clock });
  q.addAfter('a', 10);
  q.shutDown();
  assert.equal(clock.pendingTimers(), 0);
  clock.step(100);
  assert.equal(q.len(), 0);
});
