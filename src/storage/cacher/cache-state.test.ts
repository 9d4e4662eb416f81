import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CacheState, type Overrides } from './cache-state.js';
import { keyAfter } from './continue-token.js';

const P = '/r/things/';
function stateWith(keys: string[]): CacheState<string> {
  const s = new CacheState<string>();
  s.reset(keys.map((k, i) => [P + k, { object: k, modRevision: i + 1 }]));
  return s;
}

test('pages walk keys in order, scoped to a prefix, and report what remains', () => {
  const s = stateWith(['a/1', 'a/2', 'a/3', 'b/1', 'b/2']);
  s.set(P + 'a/0', { object: 'a/0', modRevision: 9 });
  s.delete(P + 'a/2');
  const first = s.readPage({ prefix: P + 'a/', limit: 2 });
  assert.deepEqual(first, { items: ['a/0', 'a/1'], lastKey: P + 'a/1', more: true, remaining: 1 });
  const second = s.readPage({ prefix: P + 'a/', limit: 2, startKey: keyAfter(first.lastKey as string) });
  assert.deepEqual(second, { items: ['a/3'], lastKey: P + 'a/3', more: false });
  assert.equal(s.count(P), 5);
  assert.equal(s.count(P + 'b/'), 2);
});

test('a predicate filters without stopping the page early', () => {
  const s = stateWith(['a', 'b', 'c', 'd', 'e']);
  const page = s.readPage({ prefix: P, limit: 2, predicate: (o) => o !== 'b' });
  assert.deepEqual(page.items, ['a', 'c']);
  assert.equal(page.more, true);
  assert.equal(page.remaining, undefined);
});

test('overrides show the state at an older revision: changed, deleted and re-created keys', () => {
  // Now: a, c (changed), e (created later). Then: a, b (deleted since), c (old value), d (deleted since).
  const s = stateWith(['a', 'c', 'e']);
  const overrides: Overrides<string> = new Map<string, string | null>([
    [P + 'b', 'b-old'],
    [P + 'c', 'c-old'],
    [P + 'd', 'd-old'],
    [P + 'e', null],
  ]);
  assert.deepEqual(s.readPage({ prefix: P, limit: 0, overrides }).items, ['a', 'b-old', 'c-old', 'd-old']);
  const p1 = s.readPage({ prefix: P, limit: 2, overrides });
  assert.deepEqual(p1, { items: ['a', 'b-old'], lastKey: P + 'b', more: true, remaining: 2 });
  const p2 = s.readPage({ prefix: P, limit: 2, overrides, startKey: keyAfter(P + 'b') });
  assert.deepEqual(p2, { items: ['c-old', 'd-old'], lastKey: P + 'd', more: false });
});
