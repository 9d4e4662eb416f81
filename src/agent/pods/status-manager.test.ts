import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { PODS } from '../../client/resources.js';
import { StatusManager, mergePatchDiff } from './status-manager.js';

test('mergePatchDiff: only the differences, removed keys as null, lists replaced whole', () => {
  assert.equal(mergePatchDiff({ a: 1 }, { a: 1 }), undefined);
  assert.deepEqual(mergePatchDiff({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { a: 1, b: { c: 2 }, l: [1], e: 'x' }), { b: { d: null }, l: [1], e: 'x' });
  assert.deepEqual(mergePatchDiff(undefined, { a: 1 }), { a: 1 });
});

test('StatusManager writes only changes and keeps conditions other components own', async () => {
  const client = new FakeClient();
  const pod = await client.create<Pod>(PODS, 'default', {
    metadata: { name: 'p', namespace: 'default' }, spec: { containers: [] },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
  });
  const sm = new StatusManager(client);
  const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }] };
  assert.equal(await sm.setStatus(pod, status), true);
  assert.equal(await sm.setStatus(pod, status), false);
  const patch = client.actions.filter((a) => a.verb === 'patch').map((a) => a.object);
  assert.deepEqual(patch, [{ metadata: { uid: pod.metadata?.uid }, status: { phase: 'Running', conditions: status.conditions } }]);
  const withGate = { ...pod, status: { ...pod.status, conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'example.com/gate', status: 'True' }] } };
  assert.deepEqual(sm.baseline(withGate)?.conditions?.map((c) => c.type), ['Ready', 'PodScheduled', 'example.com/gate']);
  assert.equal((await client.get<Pod>(PODS, 'default', 'p')).status?.phase, 'Running');
});
