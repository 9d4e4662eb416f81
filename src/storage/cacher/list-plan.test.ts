import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../../apimachinery/errors.js';
import { encodeContinue } from './continue-token.js';
import { planList } from './list-plan.js';

const P = '/registry/pods/';

test('resourceVersion and resourceVersionMatch map to Kubernetes read semantics', () => {
  assert.deepEqual(planList({}, P), { kind: 'latest', continued: false });
  assert.deepEqual(planList({ resourceVersion: '0' }, P), { kind: 'notOlderThan', revision: 0 });
  assert.deepEqual(planList({ resourceVersion: '0', limit: 500 }, P), { kind: 'notOlderThan', revision: 0 });
  assert.deepEqual(planList({ resourceVersion: '9' }, P), { kind: 'notOlderThan', revision: 9 });
  assert.deepEqual(planList({ resourceVersion: '9', limit: 5 }, P), { kind: 'exact', revision: 9, continued: false });
  assert.deepEqual(planList({ resourceVersion: '9', limit: 5, resourceVersionMatch: 'NotOlderThan' }, P), { kind: 'notOlderThan', revision: 9 });
  assert.deepEqual(planList({ resourceVersion: '9', resourceVersionMatch: 'Exact' }, P), { kind: 'exact', revision: 9, continued: false });
  const token = encodeContinue('/registry/pods/ns/b', P, 12);
  assert.deepEqual(planList({ continueToken: token, resourceVersion: '0' }, P), { kind: 'exact', revision: 12, startKey: '/registry/pods/ns/b', continued: true });
  const latest = encodeContinue('/registry/pods/ns/b', P, -1);
  assert.deepEqual(planList({ continueToken: latest }, P), { kind: 'latest', startKey: '/registry/pods/ns/b', continued: true });
});

test('invalid combinations are 400 BadRequest', () => {
  const token = encodeContinue('/registry/pods/ns/b', P, 12);
  const bad: Array<[Parameters<typeof planList>[0], string]> = [
    [{ continueToken: token, resourceVersion: '5' }, 'specifying resource version is not allowed when using continue'],
    [{ resourceVersion: 'abc' }, 'invalid resource version: resourceVersion: Invalid value: "abc": must be a non-negative integer'],
    [{ resourceVersion: '-1' }, 'invalid resource version: resourceVersion: Invalid value: "-1": must be a non-negative integer'],
    [{ resourceVersionMatch: 'Exact' }, 'resourceVersionMatch is forbidden unless resourceVersion is provided'],
    [{ resourceVersion: '0', resourceVersionMatch: 'Exact' }, 'resourceVersionMatch "Exact" is forbidden for resourceVersion "0"'],
    [{ resourceVersion: '3', resourceVersionMatch: 'Newest' as 'Exact' }, 'unknown ResourceVersionMatch value: Newest'],
  ];
  for (const [opts, message] of bad) {
    assert.throws(() => planList(opts, P), (err: unknown) => err instanceof StatusError && err.code === 400 && err.message === message, message);
  }
});
