import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../apimachinery/errors.js';
import { applyMergePatch, mergePatchValue } from './merge-patch.js';

const status = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError);
    return err.status;
  }
  assert.fail('expected an error');
};

test('RFC 7386 appendix A examples', () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, want] of cases) {
    assert.deepEqual(mergePatchValue(target as never, patch as never), want, JSON.stringify([target, patch]));
  }
});

test('kubectl scale: {"spec":{"replicas":5}}', () => {
  const doc = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1, paused: false } };
  const out = applyMergePatch(doc, { spec: { replicas: 5 } });
  assert.deepEqual(out, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5, paused: false } });
  assert.equal(doc.spec.replicas, 1, 'input untouched');
});

test('lists are replaced, not merged, and null members vanish from inserted values', () => {
  const doc = { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } };
  const out = applyMergePatch(doc, { spec: { containers: [{ name: 'a', image: 'z', tty: null }] }, metadata: { labels: { x: null, y: '1' } } });
  assert.deepEqual(out, { spec: { containers: [{ name: 'a', image: 'z' }] }, metadata: { labels: { y: '1' } } });
});

test('null deletes nested keys; absent keys stay', () => {
  const doc = { metadata: { labels: { a: '1', b: '2' }, annotations: { k: 'v' } } };
  assert.deepEqual(applyMergePatch(doc, { metadata: { labels: { a: null } } }), { metadata: { labels: { b: '2' }, annotations: { k: 'v' } } });
  assert.deepEqual(applyMergePatch(doc, { metadata: null }), {});
});

test('patch bodies that are not objects: scalars and null are 400 "Invalid JSON Patch", a list is a 422', () => {
  for (const body of [null, 5, 'x', true]) {
    const s = status(() => applyMergePatch({ a: 1 }, body));
    assert.equal(s.code, 400);
    assert.equal(s.message, 'Invalid JSON Patch');
  }
  const s = status(() => applyMergePatch({ a: 1 }, [1]));
  assert.equal(s.code, 422);
  assert.equal(s.reason, 'Invalid');
});
