import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PodIPPool } from './ip-pool.js';

test('allocates distinct IPs from the /24, the same IP again for the same pod, and reuses released ones', () => {
  const pool = new PodIPPool('10.42.7.0/24');
  const a = pool.allocate('ns/a');
  const b = pool.allocate('ns/b');
  assert.equal(a, '10.42.7.1');
  assert.equal(b, '10.42.7.2');
  assert.equal(pool.allocate('ns/a'), a);
  pool.release('ns/a');
  for (let i = 0; i < 252; i++) assert.ok(pool.allocate(`ns/p${i}`));
  assert.equal(pool.size, 253);
  assert.equal(pool.allocate('ns/last'), '10.42.7.1', 'the released address is the only one left');
  assert.equal(pool.allocate('ns/none'), undefined, 'all 254 in use');
});

test('reserve records IPs pods already have and refuses foreign or taken ones', () => {
  const pool = new PodIPPool('10.42.0.0/24');
  assert.ok(pool.reserve('ns/a', '10.42.0.9'));
  assert.equal(pool.allocate('ns/a'), '10.42.0.9');
  assert.equal(pool.reserve('ns/b', '10.42.0.9'), false);
  assert.equal(pool.reserve('ns/b', '10.43.0.9'), false);
  assert.throws(() => new PodIPPool('10.42.0.0/16'), /must be an IPv4 \/24/);
});
