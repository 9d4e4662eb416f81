import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalJson, computeHash, fnv32a, safeEncode } from './hash.js';

test('fnv32a matches the reference vectors', () => {
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  assert.equal(fnv32a(enc('')), 0x811c9dc5);
  assert.equal(fnv32a(enc('a')), 0xe40c292c);
  assert.equal(fnv32a(enc('foobar')), 0xbf9cf968);
});

test('safe encoding maps digits into the no-vowel alphabet', () => {
  assert.equal(safeEncode('0123456789'), '456789bcdf');
});

test('the hash depends on the template, not on key order, and changes with collisionCount', () => {
  const a = { metadata: { labels: { app: 'web', tier: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.26' }] } };
  const b = { spec: { containers: [{ image: 'nginx:1.26', name: 'c' }] }, metadata: { labels: { tier: 'x', app: 'web' } } };
  assert.equal(canonicalJson(a), canonicalJson(b));
  const h = computeHash(a);
  assert.equal(h, computeHash(b));
  assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  assert.notEqual(computeHash({ ...a, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } }), h);
  assert.notEqual(computeHash(a, 1), h);
  assert.notEqual(computeHash(a, 1), computeHash(a, 2));
  assert.equal(computeHash(a, 1), computeHash(a, 1));
});
