import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newReplicaSet } from '../replicaset/testing.js';
import { maxRevision, replicaSetsToCleanUp, revisionOf, setNewReplicaSetAnnotations } from './revisions.js';
import { newDeployment } from './testing.js';
import type { ReplicaSet } from './types.js';

const withRevision = (name: string, revision: string, replicas = 0): ReplicaSet => {
  const rs = newReplicaSet(name, replicas);
  rs.metadata!.annotations = { 'deployment.kubernetes.io/revision': revision };
  rs.metadata!.generation = 1;
  return { ...rs, status: { replicas, observedGeneration: 1 } };
};

test('revisions: absent is 0, garbage is skipped, the max wins', () => {
  assert.equal(revisionOf(newReplicaSet('a', 1)), 0);
  assert.equal(revisionOf(withRevision('a', 'x')), undefined);
  assert.equal(maxRevision([withRevision('a', '3'), withRevision('b', 'x'), withRevision('c', '7')]), 7);
});

test('a re-used ReplicaSet gets the new revision and records its old one; deployment annotations are copied except skipped ones', () => {
  const d = newDeployment('web', 3);
  d.metadata!.annotations = { team: 'a', 'deployment.kubernetes.io/revision': '9', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
  const rs = withRevision('web-1', '1');
  rs.metadata!.annotations!['deployment.kubernetes.io/revision-history'] = '0';
  assert.equal(setNewReplicaSetAnnotations(d, rs, 4, true), true);
  assert.deepEqual(rs.metadata?.annotations, { 'deployment.kubernetes.io/revision': '4', 'deployment.kubernetes.io/revision-history': '0,1', team: 'a' });
  assert.equal(setNewReplicaSetAnnotations(d, rs, 4, true), false, 'idempotent');
  assert.equal(setNewReplicaSetAnnotations(d, rs, 2, true), false, 'never lowered');
});

test('a ReplicaSet about to be created gets desired and max replicas', () => {
  const rs = newReplicaSet('web-1', 0);
  setNewReplicaSetAnnotations(newDeployment('web', 4, { maxSurge: 1 }), rs, 1, false);
  assert.deepEqual(rs.metadata?.annotations, { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5' });
});

test('revision-history stays within 2000 characters by dropping the oldest entries', () => {
  const rs = withRevision('web-1', '99999');
  const long = Array.from({ length: 400 }, (_, i) => String(10000 + i)).join(',');
  rs.metadata!.annotations!['deployment.kubernetes.io/revision-history'] = long;
  setNewReplicaSetAnnotations(newDeployment('web', 1), rs, 100000, true);
  const history = rs.metadata?.annotations?.['deployment.kubernetes.io/revision-history'] ?? '';
  assert.ok(history.length <= 2000, String(history.length));
  assert.ok(history.endsWith(',99999'));
  assert.ok(!history.startsWith('10000,'));
});

test('cleanup removes the lowest revisions beyond the limit, only when fully scaled down', () => {
  const d = newDeployment('web', 1, { revisionHistoryLimit: 2 });
  const olds = [withRevision('r1', '1'), withRevision('r2', '2', 1), withRevision('r3', '3'), withRevision('r4', '4'), withRevision('r5', '5')];
  // 5 old, limit 2: the 3 lowest are candidates; r2 still has a replica and stays.
  assert.deepEqual(replicaSetsToCleanUp(d, olds).map((rs) => rs.metadata?.name), ['r1', 'r3']);
  const stale = withRevision('r0', '0');
  stale.metadata!.generation = 2; // status not caught up with the last scale-down
  assert.deepEqual(replicaSetsToCleanUp(newDeployment('web', 1, { revisionHistoryLimit: 0 }), [stale]).length, 0);
  assert.deepEqual(replicaSetsToCleanUp(newDeployment('web', 1, { revisionHistoryLimit: 5 }), olds), []);
});
