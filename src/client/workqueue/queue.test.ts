import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from './queue.js';

const drainNow = async (q: WorkQueue<string>): Promise<string[]> => {
  const out: string[] = [];
  while (q.len() > 0) {
    const key = (await q.get())!;
    out.push(key);
    q.done(key);
  }
  return out;
};

test('keys come out first in, first out, each once however often added', async () => {
  const q = new WorkQueue<string>();
  for (const k of ['a', 'b', 'a', 'c', 'b', 'a']) q.add(k);
  assert.equal(q.len(), 3);
  assert.deepEqual(await drainNow(q), ['a', 'b', 'c']);
});

test('a key added while it is processed waits for done(), then runs again', async () => {
  const q = new WorkQueue<string>();
  q.add('a');
  const first = await q.get();
  assert.equal(first, 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.len(), 0, 'not handed out while a worker holds it');
  let second: string | undefined;
  const pending = q.get().then((k) => (second = k));
  await new Promise((r) => setImmediate(r));
  assert.equal(second, undefined);
  q.done('a');
  await pending;
  assert.equal(second, 'a');
  q.done('a');
  assert.equal(q.len(), 0, 'the two adds during processing collapsed into one run');
});

test('concurrent workers never hold the same key, and every add after a start is processed', async () => {
  const q = new WorkQueue<string>();
  const holding = new Set<string>();
  const lastAdded = new Map<string, number>();
  const lastStarted = new Map<string, number>();
  let tick = 0;
  let overlaps = 0;
  let processed = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await q.get();
      if (key === undefined) return;
      if (holding.has(key)) overlaps++;
      holding.add(key);
      lastStarted.set(key, ++tick);
      await new Promise((r) => setTimeout(r, Math.random() * 2));
      holding.delete(key);
      processed++;
      q.done(key);
    }
  };
  const workers = Array.from({ length: 8 }, () => worker());
  const keys = ['a', 'b', 'c', 'd', 'e'];
  for (let i = 0; i < 400; i++) {
    const key = keys[i % keys.length]!;
    q.add(key);
    lastAdded.set(key, ++tick);
    if (i % 7 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  await q.shutDownWithDrain();
  await Promise.all(workers);
  assert.equal(overlaps, 0);
  assert.ok(processed >= keys.length && processed < 400, `processed ${processed}: dedup should collapse some adds`);
  for (const key of keys) assert.ok(lastStarted.get(key)! > lastAdded.get(key)!, `${key}: the last add was processed`);
});

test('shutDown wakes waiting workers, drains what is queued, and ignores new adds', async () => {
  const q = new WorkQueue<string>();
  const waiting = q.get();
  q.shutDown();
  assert.equal(await waiting, undefined);

  const q2 = new WorkQueue<string>();
  q2.add('x');
  q2.add('y');
  q2.shutDown();
  q2.add('z');
  assert.equal(await q2.get(), 'x');
  assert.equal(await q2.get(), 'y');
  assert.equal(await q2.get(), undefined);
  assert.equal(q2.shuttingDown(), true);
});

test('shutDownWithDrain resolves only when handed-out keys are done', async () => {
  const q = new WorkQueue<string>();
  q.add('a');
  const key = (await q.get())!;
  let drained = false;
  const drain = q.shutDownWithDrain().then(() => (drained = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(drained, false);
  assert.equal(q.isProcessing('a'), true);
  q.done(key);
  await drain;
  assert.equal(drained, true);
});
