import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newReplicaSet } from '../replicaset/testing.js';
import { findActiveOrLatest, isSaturated, maxSurge, maxUnavailable, newRSNewReplicas, proportion, resolveFenceposts } from './replicas.js';
import { newDeployment } from './testing.js';

test('surge rounds percentages up, unavailability down; both zero means one unavailable', () => {
  assert.deepEqual(resolveFenceposts(newDeployment('d', 10)), { maxSurge: 3, maxUnavailable: 2 });
  assert.deepEqual(resolveFenceposts(newDeployment('d', 1)), { maxSurge: 1, maxUnavailable: 0 });
  assert.deepEqual(resolveFenceposts(newDeployment('d', 3, { maxSurge: 0, maxUnavailable: 0 })), { maxSurge: 0, maxUnavailable: 1 });
  assert.deepEqual(resolveFenceposts(newDeployment('d', 3, { maxSurge: '0%', maxUnavailable: '10%' })), { maxSurge: 0, maxUnavailable: 1 });
  assert.equal(maxUnavailable(newDeployment('d', 2, { maxUnavailable: 5 })), 2, 'never more than the replicas');
  assert.equal(maxUnavailable(newDeployment('d', 0, { maxUnavailable: 5 })), 0);
  assert.equal(maxSurge(newDeployment('d', 4, { recreate: true })), 0);
  assert.equal(maxUnavailable(newDeployment('d', 4, { recreate: true })), 0);
});

test('the new ReplicaSet grows only into the surge room and never past spec.replicas', () => {
  const d = newDeployment('d', 4, { maxSurge: 1, maxUnavailable: 0 });
  const old = newReplicaSet('old', 4);
  const fresh = newReplicaSet('new', 0);
  assert.equal(newRSNewReplicas(d, [old, fresh], fresh), 1);
  fresh.spec!.replicas = 1;
  assert.equal(newRSNewReplicas(d, [old, fresh], fresh), 1, 'already at 5 = 4 + 1');
  old.spec!.replicas = 0;
  assert.equal(newRSNewReplicas(d, [old, fresh], fresh), 4);
  assert.equal(newRSNewReplicas(newDeployment('d', 4, { recreate: true }), [old, fresh], fresh), 4);
});

test('proportions follow the max-replicas annotation and round half away from zero', () => {
  const d = newDeployment('d', 8, { maxSurge: 1, maxUnavailable: 1 });
  const rs = newReplicaSet('a', 3);
  rs.metadata!.annotations = { 'deployment.kubernetes.io/max-replicas': '5' };
  assert.equal(proportion(rs, d, 4, 0), 2); // 3 * 9 / 5 = 5.4 -> 5, +2
  assert.equal(proportion(rs, d, 4, 3), 1, 'capped by what is left to add');
  assert.equal(proportion(rs, d, 0, 0), 0);
  const down = newDeployment('d', 2, { maxSurge: 1, maxUnavailable: 1 });
  assert.equal(proportion(rs, down, -2, 0), -1); // 3 * 3 / 5 = 1.8 -> 2, -1
  assert.equal(proportion(rs, newDeployment('d', 0), -3, 0), -3, 'to zero: everything goes');
});

test('saturation needs the full size, the matching annotation and full availability', () => {
  const d = newDeployment('d', 3);
  const rs = newReplicaSet('a', 3);
  rs.metadata!.annotations = { 'deployment.kubernetes.io/desired-replicas': '3' };
  assert.equal(isSaturated(d, { ...rs, status: { replicas: 3, availableReplicas: 3 } }), true);
  assert.equal(isSaturated(d, { ...rs, status: { replicas: 3, availableReplicas: 2 } }), false);
  assert.equal(isSaturated(newDeployment('d', 4), { ...rs, status: { replicas: 3, availableReplicas: 3 } }), false);
  assert.equal(isSaturated(d, undefined), false);
});

test('active-or-latest: the one active ReplicaSet, the newest when none is active, none when several are', () => {
  const a = newReplicaSet('a', 0);
  a.metadata!.creationTimestamp = '2024-01-01T00:00:00Z';
  const b = newReplicaSet('b', 0);
  b.metadata!.creationTimestamp = '2024-01-02T00:00:00Z';
  assert.equal(findActiveOrLatest(undefined, [a, b])?.metadata?.name, 'b');
  const c = newReplicaSet('c', 2);
  assert.equal(findActiveOrLatest(undefined, [a, c])?.metadata?.name, 'c');
  assert.equal(findActiveOrLatest(newReplicaSet('n', 1), [a, c]), undefined);
  assert.equal(findActiveOrLatest(undefined, []), undefined);
});
