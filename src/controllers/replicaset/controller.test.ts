import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../client/clock.js';
import { notFound } from '../../apimachinery/errors.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { PODS, REPLICASETS } from '../../client/resources.js';
import { ReplicaSetController } from './controller.js';
import { EXPECTATIONS_TIMEOUT_MS } from '../expectations.js';
import { RecordingRecorder, catchUp, drivenInformer, newPod, newReplicaSet, seed } from './testing.js';
import type { Pod, ReplicaSet } from './types.js';

const T0 = Date.UTC(2024, 0, 1);

function harness() {
  const clock = new FakeClock(T0);
  const client = new FakeClient({ clock });
  const rsInformer = drivenInformer<ReplicaSet>(REPLICASETS, clock);
  const podInformer = drivenInformer<Pod>(PODS, clock);
  const recorder = new RecordingRecorder();
  const controller = new ReplicaSetController({ client, rsInformer, podInformer, recorder, clock });
  const sync = async (): Promise<void> => {
    await catchUp(rsInformer, client);
    await catchUp(podInformer, client);
  };
  const pods = async (): Promise<Pod[]> => (await client.list<Pod>(PODS, 'default')).items;
  const rsNow = (name: string): Promise<ReplicaSet> => client.get<ReplicaSet>(REPLICASETS, 'default', name);
  const creates = (): number => client.actions.filter((a) => a.verb === 'create' && a.resource === '/v1/pods').length;
  return { clock, client, rsInformer, podInformer, recorder, controller, sync, pods, rsNow, creates };
}

test('creates missing pods from the template with generateName, labels and a controller reference', async () => {
  const h = harness();
  const rs = seed(h.client, REPLICASETS, newReplicaSet('web', 3));
  await h.sync();
  await h.controller.sync('default/web');
  const pods = await h.pods();
  assert.equal(pods.length, 3);
  for (const pod of pods) {
    assert.match(pod.metadata?.name ?? '', /^web-[0-9a-f]{5}$/);
    assert.deepEqual(pod.metadata?.labels, { app: 'web' });
    assert.deepEqual(pod.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(pod.spec?.containers[0]?.image, 'nginx:1.27');
  }
  assert.deepEqual(h.recorder.events.sort(), pods.map((p) => `Normal SuccessfulCreate Created pod: ${p.metadata?.name}`).sort());
  const status = (await h.rsNow('web')).status;
  assert.equal(status?.replicas, 0, 'status counts the pods the cache shows, not the ones just asked for');
  assert.equal(status?.observedGeneration, 1);
});

test('expectations: a stale cache never makes it create twice; observing the pods releases them', async () => {
  const h = harness();
  seed(h.client, REPLICASETS, newReplicaSet('web', 3));
  await h.sync();
  await h.controller.sync('default/web');
  assert.equal(h.creates(), 3);
  // The informer has not seen the pods yet: syncing again must not create more.
  await h.controller.sync('default/web');
  await h.controller.sync('default/web');
  assert.equal(h.creates(), 3);
  assert.deepEqual(h.controller.expectations.pending('default/web'), { add: 3, del: 0 });
  await h.sync(); // the watch delivers the three pods: each add lowers the expectation
  assert.equal(h.controller.expectations.satisfied('default/web'), true);
  await h.controller.sync('default/web');
  assert.equal(h.creates(), 3);
  assert.equal((await h.rsNow('web')).status?.replicas, 3);
});

test('expectations expire after 5 minutes so a lost event cannot wedge a ReplicaSet', async () => {
  const h = harness();
  seed(h.client, REPLICASETS, newReplicaSet('web', 2));
  await h.sync();
  await h.controller.sync('default/web');
  assert.equal(h.creates(), 2);
  // The pods were deleted before the cache ever saw them.
  for (const pod of await h.pods()) await h.client.delete(PODS, 'default', pod.metadata?.name ?? '');
  await h.controller.sync('default/web');
  assert.equal(h.creates(), 2);
  h.clock.step(EXPECTATIONS_TIMEOUT_MS + 1);
  await h.controller.sync('default/web');
  assert.equal(h.creates(), 4);
});

test('slow start: creates 1, 2, 4, ... and stops at the first failing batch', async () => {
  const h = harness();
  seed(h.client, REPLICASETS, newReplicaSet('web', 10));
  await h.sync();
  let calls = 0;
  h.client.prependReactor((action) => {
    if (action.verb !== 'create' || action.resource !== '/v1/pods') return undefined;
    calls++;
    if (calls > 3) throw new Error('quota exceeded');
    return undefined;
  });
  await assert.rejects(h.controller.sync('default/web'), /quota exceeded/);
  assert.equal(calls, 7, 'batches of 1 and 2 succeed; the batch of 4 fails; no batch of 8 is tried');
  assert.equal((await h.pods()).length, 3);
  assert.deepEqual(h.controller.expectations.pending('default/web'), { add: 3, del: 0 }, 'creations never made are not awaited');
  assert.equal(h.recorder.events.filter((e) => e === 'Warning FailedCreate Error creating: quota exceeded').length, 4);
  const status = (await h.rsNow('web')).status;
  assert.deepEqual(
    status?.conditions?.map((c) => [c.type, c.status, c.reason, c.message]),
    [['ReplicaFailure', 'True', 'FailedCreate', 'quota exceeded']],
  );
});

test('the ReplicaFailure condition goes away once creating works again', async () => {
  const h = harness();
  seed(h.client, REPLICASETS, newReplicaSet('web', 1));
  await h.sync();
  let fail = true;
  h.client.prependReactor((action) => {
    if (fail && action.verb === 'create' && action.resource === '/v1/pods') throw new Error('admission denied');
    return undefined;
  });
  await assert.rejects(h.controller.sync('default/web'));
  await h.sync();
  assert.equal((await h.rsNow('web')).status?.conditions?.length, 1);
  fail = false;
  await h.controller.sync('default/web');
  assert.equal((await h.rsNow('web')).status?.conditions, undefined);
});

test('deletes surplus pods: unassigned, then pending, then not ready, then the most recently ready', async () => {
  const h = harness();
  const rs = seed(h.client, REPLICASETS, newReplicaSet('web', 2));
  const old = T0 - 24 * 3600_000;
  seed(h.client, PODS, newPod('ready-old', { owner: rs, nodeName: 'n1', ready: true, readySince: old, created: old }));
  seed(h.client, PODS, newPod('ready-new', { owner: rs, nodeName: 'n2', ready: true, readySince: T0 - 1000, created: T0 - 2000 }));
  seed(h.client, PODS, newPod('not-ready', { owner: rs, nodeName: 'n3', ready: false }));
  seed(h.client, PODS, newPod('pending', { owner: rs, nodeName: 'n4', phase: 'Pending' }));
  seed(h.client, PODS, newPod('unassigned', { owner: rs, phase: 'Pending' }));
  await h.sync();
  h.clock.setTime(T0);
  // Going from 5 to 2 deletes three.
  await h.controller.sync('default/web');
  assert.deepEqual((await h.pods()).map((p) => p.metadata?.name).sort(), ['ready-new', 'ready-old']);
  assert.deepEqual(h.recorder.events.sort(), ['Normal SuccessfulDelete Deleted pod: not-ready', 'Normal SuccessfulDelete Deleted pod: pending', 'Normal SuccessfulDelete Deleted pod: unassigned']);
  // Awaiting those three deletions: nothing more happens until the cache shows them.
  assert.deepEqual(h.controller.expectations.pending('default/web'), { add: 0, del: 3 });
  await h.sync();
  assert.equal(h.controller.expectations.satisfied('default/web'), true);

  // Scaling to 1 removes the pod that became ready most recently.
  await h.client.patch(REPLICASETS, 'default', 'web', 'merge', { spec: { replicas: 1 } });
  await h.sync();
  await h.controller.sync('default/web');
  assert.deepEqual((await h.pods()).map((p) => p.metadata?.name), ['ready-old']);
});

test('a pod being deleted does not count, and a deletion observed twice is counted once', async () => {
  const h = harness();
  const rs = seed(h.client, REPLICASETS, newReplicaSet('web', 2));
  seed(h.client, PODS, newPod('a', { owner: rs, ready: true }));
  seed(h.client, PODS, newPod('b', { owner: rs, ready: true, deleting: true }));
  await h.sync();
  await h.controller.sync('default/web');
  assert.equal(h.creates(), 1, 'the terminating pod is replaced');
  assert.equal((await h.rsNow('web')).status?.replicas, 1);
});

test('terminal pods are replaced', async () => {
  const h = harness();
  const rs = seed(h.client, REPLICASETS, newReplicaSet('web', 2));
  seed(h.client, PODS, newPod('done', { owner: rs, phase: 'Succeeded' }));
  seed(h.client, PODS, newPod('failed', { owner: rs, phase: 'Failed' }));
  await h.sync();
  await h.controller.sync('default/web');
  assert.equal(h.creates(), 2);
  assert.equal((await h.pods()).length, 4, 'finished pods are left for the pod GC');
});

test('adopts matching orphans, releases owned pods that stop matching, leaves pods of other controllers alone', async () => {
  const h = harness();
  const rs = seed(h.client, REPLICASETS, newReplicaSet('web', 2));
  const other = seed(h.client, REPLICASETS, newReplicaSet('other', 0, { labels: { app: 'other' } }));
  seed(h.client, PODS, newPod('orphan', { labels: { app: 'web' }, ready: true }));
  seed(h.client, PODS, newPod('relabelled', { owner: rs, labels: { app: 'moved' } }));
  seed(h.client, PODS, newPod('theirs', { owner: other, labels: { app: 'web' } }));
  await h.sync();
  await h.controller.sync('default/web');
  const byName = new Map((await h.pods()).map((p) => [p.metadata?.name, p]));
  assert.deepEqual(byName.get('orphan')?.metadata?.ownerReferences, [
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata?.uid, controller: true, blockOwnerDeletion: true },
  ]);
  assert.deepEqual(byName.get('relabelled')?.metadata?.ownerReferences, []);
  assert.equal(byName.get('theirs')?.metadata?.ownerReferences?.[0]?.uid, other.metadata?.uid);
  assert.equal(h.creates(), 1, 'the adopted orphan counts; one more pod is needed');
  const patches = h.client.actions.filter((a) => a.verb === 'patch').map((a) => a.name).sort();
  assert.deepEqual(patches, ['orphan', 'relabelled']);
});

test('does not adopt into a ReplicaSet that is being deleted', async () => {
  const h = harness();
  const rs = newReplicaSet('web', 1);
  rs.metadata!.deletionTimestamp = '2024-01-01T00:00:00Z';
  rs.metadata!.finalizers = ['foregroundDeletion'];
  seed(h.client, REPLICASETS, rs);
  seed(h.client, PODS, newPod('orphan', { labels: { app: 'web' } }));
  await h.sync();
  await h.controller.sync('default/web');
  assert.equal(h.client.actions.filter((a) => a.verb === 'patch' || (a.verb === 'create' && a.resource === '/v1/pods')).length, 0);
});

test('status: fully labeled, ready, and available only after minReadySeconds; requeued for then', async () => {
  const h = harness();
  const rs = seed(h.client, REPLICASETS, newReplicaSet('web', 3, { minReadySeconds: 10 }));
  seed(h.client, PODS, newPod('a', { owner: rs, ready: true, readySince: T0 - 60_000 }));
  seed(h.client, PODS, newPod('b', { owner: rs, ready: true, readySince: T0 - 2_000 }));
  seed(h.client, PODS, newPod('c', { owner: rs, ready: true, readySince: T0 - 2_000, labels: { app: 'web', extra: 'x' } }));
  await h.sync();
  await h.controller.sync('default/web');
  let status = (await h.rsNow('web')).status;
  assert.deepEqual(
    { replicas: status?.replicas, fully: status?.fullyLabeledReplicas, ready: status?.readyReplicas, available: status?.availableReplicas },
    { replicas: 3, fully: 3, ready: 3, available: 1 },
  );
  assert.equal(h.controller.queue.waitingLen(), 1, 'looked at again when the others become available');
  h.clock.step(10_000);
  assert.equal(h.controller.queue.len(), 1);
  await h.sync();
  await h.controller.sync('default/web');
  status = (await h.rsNow('web')).status;
  assert.equal(status?.availableReplicas, 3);
});

test('fullyLabeledReplicas counts only pods carrying every template label', async () => {
  const h = harness();
  const rs = newReplicaSet('web', 2);
  rs.spec!.template!.metadata!.labels = { app: 'web', tier: 'front' };
  const stored = seed(h.client, REPLICASETS, rs);
  seed(h.client, PODS, newPod('full', { owner: stored, labels: { app: 'web', tier: 'front' } }));
  seed(h.client, PODS, newPod('partial', { owner: stored, labels: { app: 'web' } }));
  await h.sync();
  await h.controller.sync('default/web');
  const status = (await h.rsNow('web')).status;
  assert.equal(status?.replicas, 2);
  assert.equal(status?.fullyLabeledReplicas, 1);
});

test('handlers: an orphan pod enqueues the ReplicaSets selecting it; deleting an owned pod is observed', async () => {
  const h = harness();
  const rs = seed(h.client, REPLICASETS, newReplicaSet('web', 1));
  await h.sync();
  while (h.controller.queue.len() > 0) h.controller.queue.done((await h.controller.queue.get())!);
  h.podInformer.added(newPod('stray', { labels: { app: 'web' } }));
  assert.equal(h.controller.queue.len(), 1);
  const key = (await h.controller.queue.get())!;
  assert.equal(key, 'default/web');
  h.controller.queue.done(key);

  const owned = newPod('owned', { owner: rs });
  h.podInformer.added(owned);
  h.controller.expectations.expectDeletions('default/web', ['default/owned']);
  h.podInformer.deleted(owned);
  h.podInformer.deleted(owned);
  assert.equal(h.controller.expectations.satisfied('default/web'), true);
  assert.deepEqual(h.controller.expectations.pending('default/web'), { add: 0, del: 0 });
});

test('a pod that is already gone when deleted is not an error', async () => {
  const h = harness();
  const rs = seed(h.client, REPLICASETS, newReplicaSet('web', 0));
  seed(h.client, PODS, newPod('a', { owner: rs }));
  await h.sync();
  h.client.prependReactor((action) => {
    if (action.verb === 'delete') throw notFound(PODS, action.name ?? '');
    return undefined;
  });
  await h.controller.sync('default/web');
  assert.equal(h.controller.expectations.satisfied('default/web'), true);
  assert.deepEqual(h.recorder.events, []);
});

test('a deleted ReplicaSet: sync forgets its expectations and does nothing', async () => {
  const h = harness();
  h.controller.expectations.expectCreations('default/gone', 2);
  await h.controller.sync('default/gone');
  assert.equal(h.controller.expectations.pending('default/gone'), undefined);
  assert.equal(h.client.actions.length, 0);
});
