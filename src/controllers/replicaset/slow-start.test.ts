import assert from 'node:assert/strict';
import { test } from 'node:test';
import { slowStartBatch } from './slow-start.js';

test('batches grow 1, 2, 4, 8 and the last one takes the rest', async () => {
  const batches: number[] = [];
  let inFlight = 0;
  let current = 0;
  const result = await slowStartBatch(10, 1, async () => {
    if (inFlight === 0) batches.push(0);
    inFlight++;
    batches[batches.length - 1]!++;
    current++;
    await Promise.resolve();
    inFlight--;
  });
  assert.deepEqual(result, { successes: 10 });
  assert.equal(current, 10);
  assert.deepEqual(batches, [1, 2, 4, 3]);
});

test('stops after the first batch with an error, reporting the successes', async () => {
  let n = 0;
  const result = await slowStartBatch(20, 1, async () => {
    n++;
    if (n === 5) throw new Error('boom');
  });
  assert.equal(n, 7);
  assert.equal(result.successes, 6);
  assert.match(String(result.error), /boom/);
});

test('zero items: nothing is called', async () => {
  let n = 0;
  assert.deepEqual(await slowStartBatch(0, 1, async () => void n++), { successes: 0 });
  assert.equal(n, 0);
});
