import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BufferedEvent, EventBuffer } from './event-buffer.js';

const ev = (revision: number, time = 0): BufferedEvent<string> => ({ revision, key: `k${revision}`, object: `v${revision}`, prevObject: null, time });
const revs = (events: BufferedEvent<string>[] | null): number[] | null => events && events.map((e) => e.revision);

test('since returns the events after a revision, and null once some were evicted', () => {
  const buf = new EventBuffer<string>(3);
  buf.reset(10);
  for (const r of [12, 15, 17]) buf.push(ev(r));
  assert.equal(buf.resumableFrom, 10);
  assert.deepEqual(revs(buf.since(10)), [12, 15, 17]);
  assert.deepEqual(revs(buf.since(13)), [15, 17]);
  assert.deepEqual(revs(buf.since(17)), []);
  assert.equal(buf.since(9), null);
  buf.push(ev(20)); // evicts 12: a watch from 10 or 11 would miss it
  assert.equal(buf.resumableFrom, 12);
  assert.equal(buf.since(11), null);
  assert.deepEqual(revs(buf.since(12)), [15, 17, 20]);
});

test('events older than the age limit are dropped', () => {
  let now = 1_000;
  const buf = new EventBuffer<string>(100, 500, () => now);
  buf.reset(0);
  buf.push(ev(1, 1_000));
  buf.push(ev(2, 1_400));
  now = 1_600;
  assert.equal(buf.resumableFrom, 1);
  assert.deepEqual(revs(buf.since(1)), [2]);
  assert.equal(buf.since(0), null);
});

test('setCoveredFrom widens the window once older history is known to be complete', () => {
  const buf = new EventBuffer<string>(10);
  buf.reset(50);
  for (const r of [41, 45, 50, 52]) buf.push(ev(r));
  assert.equal(buf.since(45), null);
  buf.setCoveredFrom(40);
  assert.deepEqual(revs(buf.since(45)), [50, 52]);
  const seen: number[] = [];
  buf.forEachSince(41, (e) => seen.push(e.revision));
  assert.deepEqual(seen, [45, 50, 52]);
});
