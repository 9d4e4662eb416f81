import assert from 'node:assert/strict';
import { test } from 'node:test';
import { equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, newReplicaSetFor } from './templates.js';
import { newReplicaSet } from '../replicaset/testing.js';
import { newDeployment } from './testing.js';
import type { PodTemplateSpec } from './types.js';

const base = (): PodTemplateSpec => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } });

test('equalIgnoreHash ignores the hash label and Go zero values, not real differences', () => {
  const withHash = base();
  withHash.metadata!.labels!['pod-template-hash'] = 'abc';
  assert.ok(equalIgnoreHash(base(), withHash));
  // What kubectl rollout undo sends back: null timestamps, empty structs.
  const fromKubectl = { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.26', resources: {} }], securityContext: {} } } as unknown as PodTemplateSpec;
  assert.ok(equalIgnoreHash(base(), fromKubectl));
  const otherImage = base();
  otherImage.spec!.containers[0]!.image = 'nginx:1.27';
  assert.ok(!equalIgnoreHash(base(), otherImage));
  const annotated = base();
  annotated.metadata!.annotations = { 'kubectl.kubernetes.io/restartedAt': 'now' };
  assert.ok(!equalIgnoreHash(base(), annotated));
  const emptyDir = base();
  emptyDir.spec!.volumes = [{ name: 'v', emptyDir: {} }];
  const noSource = base();
  noSource.spec!.volumes = [{ name: 'v' }];
  assert.ok(!equalIgnoreHash(emptyDir, noSource), 'emptyDir: {} is a volume source');
});

test('the new ReplicaSet is the oldest one with the current template; the rest are old', () => {
  const d = newDeployment('web', 2);
  const match = (name: string, created: string) => {
    const rs = newReplicaSet(name, 1);
    rs.metadata!.creationTimestamp = created;
    rs.spec!.template = structuredClone(d.spec!.template);
    return rs;
  };
  const a = match('a', '2024-01-02T00:00:00Z');
  const b = match('b', '2024-01-01T00:00:00Z');
  const other = newReplicaSet('other', 1);
  a.metadata!.uid = 'ua';
  b.metadata!.uid = 'ub';
  other.metadata!.uid = 'uo';
  assert.equal(findNewReplicaSet(d, [a, other, b])?.metadata?.name, 'b');
  assert.deepEqual(findOldReplicaSets(d, [a, other, b]).map((rs) => rs.metadata?.name), ['a', 'other']);
});

test('a new ReplicaSet carries the hash in name, selector, template and labels', () => {
  const d = newDeployment('web', 2);
  d.metadata!.uid = 'd-uid';
  const rs = newReplicaSetFor(d, 2);
  const hash = rs.spec?.template?.metadata?.labels?.['pod-template-hash'];
  assert.ok(hash);
  assert.equal(rs.metadata?.name, `web-${hash}`);
  assert.deepEqual(rs.spec?.selector?.matchLabels, { app: 'web', 'pod-template-hash': hash });
  assert.equal(rs.metadata?.ownerReferences?.[0]?.uid, 'd-uid');
  assert.equal(d.spec?.template.metadata?.labels?.['pod-template-hash'], undefined, 'the Deployment itself is untouched');
  const same = newDeployment('web', 5);
  (same.spec!.template.spec!.containers[0] as unknown as Record<string, unknown>).resources = {};
  assert.equal(newReplicaSetFor(same, 5).metadata?.name, rs.metadata?.name, 'zero values do not change the hash');
});
