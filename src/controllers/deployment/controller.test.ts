import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REPLICASETS } from '../../client/resources.js';
import { newReplicaSet, seed } from '../replicaset/testing.js';
import { computeHash } from './hash.js';
import { T0, harness, newDeployment } from './testing.js';
import type { ReplicaSet } from './types.js';

const cond = (d: { status?: { conditions?: Array<{ type: string; status: string; reason?: string }> } }, type: string): string | undefined => {
  const c = d.status?.conditions?.find((x) => x.type === type);
  return c && `${c.status} ${c.reason}`;
};

test('creates "<name>-<pod-template-hash>" with the hash in selector and labels, a controller reference and revision 1', async () => {
  const h = harness();
  const d = await h.create(newDeployment('web', 3));
  await h.sync();
  const [rs] = await h.replicaSets();
  const hash = computeHash(d.spec!.template);
  assert.equal(rs?.metadata?.name, `web-${hash}`);
  assert.deepEqual(rs?.spec?.selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
  assert.deepEqual(rs?.spec?.template?.metadata?.labels, { app: 'web', 'pod-template-hash': hash });
  assert.deepEqual(rs?.metadata?.labels, { app: 'web', 'pod-template-hash': hash });
  assert.deepEqual(rs?.metadata?.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(rs?.metadata?.annotations, {
    'deployment.kubernetes.io/revision': '1',
    'deployment.kubernetes.io/desired-replicas': '3',
    'deployment.kubernetes.io/max-replicas': '4',
  });
  assert.equal(rs?.spec?.replicas, 3);
  assert.deepEqual(h.recorder.events, [`Normal ScalingReplicaSet Scaled up replica set web-${hash} from 0 to 3`]);
  const after = await h.deployment();
  assert.equal(after.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
  assert.equal(cond(after, 'Progressing'), 'True NewReplicaSetCreated');
  assert.equal(after.metadata?.generation, 1, 'writing the revision annotation does not move the generation');
});

test('status and conditions follow the ReplicaSets: Available, then Progressing NewReplicaSetAvailable', async () => {
  const h = harness();
  await h.create(newDeployment('web', 3));
  await h.sync();
  await h.sync();
  let d = await h.deployment();
  assert.equal(cond(d, 'Available'), 'False MinimumReplicasUnavailable');
  assert.equal(d.status?.observedGeneration, 1);
  assert.equal(d.status?.unavailableReplicas, 3);
  await h.settle(0);
  await h.sync();
  d = await h.deployment();
  assert.deepEqual(
    { ...d.status, conditions: undefined },
    { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: undefined },
  );
  assert.equal(cond(d, 'Available'), 'True MinimumReplicasAvailable');
  assert.equal(cond(d, 'Progressing'), 'True NewReplicaSetAvailable');
  assert.match(d.status?.conditions?.find((c) => c.type === 'Progressing')?.message ?? '', /^ReplicaSet "web-\w+" has successfully progressed\.$/);
});

/** Runs sync + settle until nothing changes, checking bounds on every state the cluster passes through. */
async function rollOut(h: ReturnType<typeof harness>, check: (specTotal: number, available: number) => void, maxSteps = 40): Promise<number> {
  for (let step = 0; step < maxSteps; step++) {
    const before = JSON.stringify(await h.sizes());
    await h.sync();
    const rss = await h.replicaSets();
    check(rss.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0), rss.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0));
    await h.settle(1);
    const rssAfter = await h.replicaSets();
    check(rssAfter.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0), rssAfter.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0));
    const d = await h.deployment();
    if (JSON.stringify(await h.sizes()) === before && d.status?.updatedReplicas === d.spec?.replicas && d.status?.replicas === d.spec?.replicas && d.status?.availableReplicas === d.spec?.replicas) return step;
  }
  throw new Error('rollout did not finish');
}

test('RollingUpdate maxSurge 1 / maxUnavailable 0: never more than 4 pods, never fewer than 3 available', async () => {
  const h = harness();
  await h.create(newDeployment('web', 3, { maxSurge: 1, maxUnavailable: 0 }));
  await h.sync();
  await h.settle(0);
  await h.sync();
  await h.update('web', (d) => (d.spec!.template.spec!.containers[0]!.image = 'nginx:1.27'));
  await rollOut(h, (total, available) => {
    assert.ok(total <= 4, `total ${total} > 4`);
    assert.ok(available >= 3, `available ${available} < 3`);
  });
  const sizes = Object.values(await h.sizes());
  assert.deepEqual(sizes.sort(), [0, 3]);
  const d = await h.deployment();
  assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '2');
  assert.equal(cond(d, 'Progressing'), 'True NewReplicaSetAvailable');
  const reasons = h.recorder.events.filter((e) => e.includes('ScalingReplicaSet'));
  assert.ok(reasons.some((e) => / Scaled up replica set web-\w+ from 0 to 1$/.test(e)), reasons.join('\n'));
  assert.ok(reasons.some((e) => / Scaled down replica set web-\w+ from 3 to 2$/.test(e)), reasons.join('\n'));
});

test('RollingUpdate maxSurge 0 / maxUnavailable 1: never more than 3 pods, never fewer than 2 available', async () => {
  const h = harness();
  await h.create(newDeployment('web', 3, { maxSurge: 0, maxUnavailable: 1 }));
  await h.sync();
  await h.settle(0);
  await h.update('web', (d) => (d.spec!.template.spec!.containers[0]!.image = 'nginx:1.27'));
  await rollOut(h, (total, available) => {
    assert.ok(total <= 3, `total ${total} > 3`);
    assert.ok(available >= 2, `available ${available} < 2`);
  });
});

test('RollingUpdate with percentages (25%/25% of 10: surge 3, unavailable 2)', async () => {
  const h = harness();
  await h.create(newDeployment('web', 10));
  await h.sync();
  await h.settle(0);
  await h.update('web', (d) => (d.spec!.template.spec!.containers[0]!.image = 'nginx:1.27'));
  await rollOut(h, (total, available) => {
    assert.ok(total <= 13, `total ${total} > 13`);
    assert.ok(available >= 8, `available ${available} < 8`);
  });
});

test('an unavailable old replica is scaled away before available ones', async () => {
  const h = harness();
  await h.create(newDeployment('web', 3, { maxSurge: 1, maxUnavailable: 0 }));
  await h.sync();
  await h.settle(0);
  const [old] = await h.replicaSets();
  await h.update('web', (d) => (d.spec!.template.spec!.containers[0]!.image = 'nginx:1.27'));
  await h.sync(); // the new ReplicaSet is created at 1 (the surge)
  const current = new Map((await h.replicaSets()).map((rs) => [rs.metadata?.name, rs]));
  const fresh = [...current.values()].find((rs) => rs.metadata?.name !== old!.metadata?.name)!;
  assert.equal(fresh.spec?.replicas, 1);
  // Its pod is available; one old pod crashed, so only 2 of 3 old ones are available (3 in all).
  await h.client.updateStatus(REPLICASETS, 'default', { ...fresh, status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 } });
  await h.client.updateStatus(REPLICASETS, 'default', { ...current.get(old!.metadata!.name)!, status: { replicas: 3, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 } });
  await h.sync();
  // Availability is exactly at the minimum (3), so no available pod may go, but the broken one may.
  const sizes = await h.sizes();
  assert.equal(sizes[old!.metadata!.name!], 2);
  assert.equal(sizes[fresh.metadata!.name!], 1);
});

test('Recreate: old ReplicaSets go to zero, the new one waits until their pods are gone, then gets everything', async () => {
  const h = harness();
  await h.create(newDeployment('web', 2, { recreate: true }));
  await h.sync();
  await h.settle(0);
  const [old] = await h.replicaSets();
  assert.equal(old?.spec?.replicas, 2);
  // An old pod is still running after the old ReplicaSet is scaled down.
  seed(h.client, (await import('../../client/resources.js')).PODS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'old-pod', namespace: 'default', labels: { ...old!.spec!.template!.metadata!.labels }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: old!.metadata!.name!, uid: old!.metadata!.uid!, controller: true }] },
    spec: { containers: [{ name: 'web', image: 'nginx:1.26' }] },
    status: { phase: 'Running' },
  });
  await h.update('web', (d) => (d.spec!.template.spec!.containers[0]!.image = 'nginx:1.27'));
  await h.sync();
  assert.deepEqual(Object.values(await h.sizes()), [0]);
  await h.settle(0); // the old ReplicaSet reports 0 pods, but a pod is still there
  await h.sync();
  assert.equal((await h.replicaSets()).length, 1, 'no new ReplicaSet while an old pod runs');
  await h.client.delete((await import('../../client/resources.js')).PODS, 'default', 'old-pod');
  await h.sync();
  const sizes = await h.sizes();
  assert.equal(Object.keys(sizes).length, 2);
  assert.deepEqual(Object.values(sizes).sort(), [0, 2]);
});

test('rollback: the old ReplicaSet becomes current again with the next revision and remembers its old one', async () => {
  const h = harness();
  await h.create(newDeployment('web', 2, { maxSurge: 1, maxUnavailable: 0 }));
  await h.sync();
  await h.settle(0);
  const v1Template = structuredClone((await h.deployment()).spec!.template);
  await h.update('web', (d) => (d.spec!.template.spec!.containers[0]!.image = 'nginx:1.27'));
  await rollOut(h, () => {});
  // `kubectl rollout undo` puts the old template back.
  await h.update('web', (d) => (d.spec!.template = structuredClone(v1Template)));
  await rollOut(h, () => {});
  const rss = await h.replicaSets();
  assert.equal(rss.length, 2, 'the old ReplicaSet is reused, not recreated');
  const v1 = rss.find((rs) => rs.spec?.template?.spec?.containers[0]?.image === 'nginx:1.26')!;
  const v2 = rss.find((rs) => rs.spec?.template?.spec?.containers[0]?.image === 'nginx:1.27')!;
  assert.equal(v1.metadata?.annotations?.['deployment.kubernetes.io/revision'], '3');
  assert.equal(v1.metadata?.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  assert.equal(v2.metadata?.annotations?.['deployment.kubernetes.io/revision'], '2');
  assert.equal(v1.spec?.replicas, 2);
  assert.equal(v2.spec?.replicas, 0);
  assert.equal((await h.deployment()).metadata?.annotations?.['deployment.kubernetes.io/revision'], '3');
});

test('revisionHistoryLimit: old ReplicaSets at zero beyond the limit are deleted, lowest revision first', async () => {
  const h = harness();
  await h.create(newDeployment('web', 1, { maxSurge: 1, maxUnavailable: 0, revisionHistoryLimit: 1 }));
  for (const image of ['nginx:1.26', 'nginx:1.27', 'nginx:1.28', 'nginx:1.29']) {
    await h.update('web', (d) => (d.spec!.template.spec!.containers[0]!.image = image));
    await rollOut(h, () => {});
  }
  await h.sync();
  const revisions = (await h.replicaSets()).map((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision']).sort();
  assert.deepEqual(revisions, ['3', '4'], 'the current ReplicaSet plus one old one');
});

test('paused: a template change starts no rollout, but scaling still applies', async () => {
  const h = harness();
  await h.create(newDeployment('web', 2));
  await h.sync();
  await h.settle(0);
  await h.update('web', (d) => {
    d.spec!.paused = true;
    d.spec!.template.spec!.containers[0]!.image = 'nginx:1.27';
  });
  await h.sync();
  assert.equal((await h.replicaSets()).length, 1);
  assert.equal(cond(await h.deployment(), 'Progressing'), 'Unknown DeploymentPaused');
  await h.update('web', (d) => (d.spec!.replicas = 5));
  await h.sync();
  assert.deepEqual(Object.values(await h.sizes()), [5]);
  await h.update('web', (d) => (d.spec!.paused = false));
  await h.sync();
  assert.equal((await h.replicaSets()).length, 2, 'resuming starts the rollout');
  assert.equal(cond(await h.deployment(), 'Progressing'), 'True NewReplicaSetCreated');
});

test('proportional scaling mid-rollout keeps the old:new ratio', async () => {
  const h = harness();
  const d = await h.create(newDeployment('web', 4, { maxSurge: 1, maxUnavailable: 1 }));
  const owner = { name: 'web', uid: d.metadata!.uid! };
  const mk = (name: string, replicas: number, image: string, created: number): ReplicaSet => {
    const rs = newReplicaSet(name, replicas, { labels: { app: 'web', 'pod-template-hash': name }, owner });
    rs.metadata!.creationTimestamp = new Date(created).toISOString().replace(/\.\d+Z$/, 'Z');
    rs.metadata!.annotations = { 'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5', 'deployment.kubernetes.io/revision': name === 'web-old' ? '1' : '2' };
    rs.spec!.template!.spec!.containers[0]!.image = image;
    return { ...rs, status: { replicas, availableReplicas: replicas } };
  };
  seed(h.client, REPLICASETS, mk('web-old', 3, 'nginx:1.26', T0 - 60_000));
  seed(h.client, REPLICASETS, mk('web-new', 2, 'nginx:1.26-other', T0 - 1000));
  await h.update('web', (x) => {
    x.spec!.template.spec!.containers[0]!.image = 'nginx:1.26-other';
    x.spec!.template.metadata!.labels = { app: 'web' };
  });
  await h.update('web', (x) => (x.spec!.replicas = 8));
  await h.sync();
  // 8 + 1 surge = 9 allowed; 5 exist; the 4 added are shared 3:2 by size -> +2 and +2.
  assert.deepEqual(await h.sizes(), { 'web-old': 5, 'web-new': 4 });
  assert.deepEqual(h.recorder.events.sort(), ['Normal ScalingReplicaSet Scaled up replica set web-new from 2 to 4', 'Normal ScalingReplicaSet Scaled up replica set web-old from 3 to 5']);
  const annotations = (await h.replicaSets()).map((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/desired-replicas']);
  assert.deepEqual(annotations, ['8', '8']);
});

test('a plain scale with one ReplicaSet resizes it and records the event', async () => {
  const h = harness();
  await h.create(newDeployment('web', 3));
  await h.sync();
  await h.settle(0);
  await h.update('web', (d) => (d.spec!.replicas = 5));
  await h.sync();
  await h.update('web', (d) => (d.spec!.replicas = 1));
  await h.sync();
  assert.deepEqual(Object.values(await h.sizes()), [1]);
  assert.deepEqual(h.recorder.events.slice(1).map((e) => e.replace(/web-\w+/, 'RS')), [
    'Normal ScalingReplicaSet Scaled up replica set RS from 3 to 5',
    'Normal ScalingReplicaSet Scaled down replica set RS from 5 to 1',
  ]);
});

test('progressDeadlineSeconds: no progress past the deadline is ProgressDeadlineExceeded', async () => {
  const h = harness();
  await h.create(newDeployment('web', 2, { progressDeadlineSeconds: 30 }));
  await h.sync();
  await h.sync();
  assert.equal(cond(await h.deployment(), 'Progressing'), 'True NewReplicaSetCreated');
  assert.ok(h.controller.queue.waitingLen() > 0, 'looked at again after the deadline');
  h.clock.step(31_000);
  await h.sync();
  const d = await h.deployment();
  assert.equal(cond(d, 'Progressing'), 'False ProgressDeadlineExceeded');
  assert.match(d.status?.conditions?.find((c) => c.type === 'Progressing')?.message ?? '', /^ReplicaSet "web-\w+" has timed out progressing\.$/);
  // Progress after that brings it back.
  await h.settle(0);
  await h.sync();
  assert.equal(cond(await h.deployment(), 'Progressing'), 'True NewReplicaSetAvailable');
});

test('progress refreshes the deadline (ReplicaSetUpdated)', async () => {
  const h = harness();
  await h.create(newDeployment('web', 4, { progressDeadlineSeconds: 30, maxSurge: 1, maxUnavailable: 0 }));
  await h.sync();
  await h.settle(0);
  await h.sync();
  await h.update('web', (d) => (d.spec!.template.spec!.containers[0]!.image = 'nginx:1.27'));
  await h.sync();
  h.clock.step(20_000);
  await h.settle(0);
  await h.sync();
  const progressing = (await h.deployment()).status?.conditions?.find((c) => c.type === 'Progressing');
  assert.equal(progressing?.reason, 'ReplicaSetUpdated');
  assert.equal(progressing?.lastUpdateTime, new Date(T0 + 20_000).toISOString().replace(/\.\d+Z$/, 'Z'));
  h.clock.step(20_000);
  await h.sync();
  assert.notEqual(cond(await h.deployment(), 'Progressing'), 'False ProgressDeadlineExceeded');
});

test('adopts an orphan ReplicaSet its selector matches and releases one that stops matching', async () => {
  const h = harness();
  const d = await h.create(newDeployment('web', 1));
  const template = (await h.deployment()).spec!.template;
  const orphan = newReplicaSet(`web-${computeHash(template)}`, 1, { labels: { app: 'web', 'pod-template-hash': computeHash(template) } });
  orphan.spec!.template = { metadata: { labels: { app: 'web', 'pod-template-hash': computeHash(template) } }, spec: structuredClone(template.spec) };
  seed(h.client, REPLICASETS, orphan);
  const stray = newReplicaSet('stray', 0, { labels: { app: 'elsewhere' }, owner: { name: 'web', uid: d.metadata!.uid! } });
  seed(h.client, REPLICASETS, stray);
  await h.sync();
  const rss = await h.replicaSets();
  assert.equal(rss.find((rs) => rs.metadata?.name === orphan.metadata?.name)?.metadata?.ownerReferences?.[0]?.uid, d.metadata?.uid);
  assert.deepEqual(rss.find((rs) => rs.metadata?.name === 'stray')?.metadata?.ownerReferences, []);
  assert.equal(rss.length, 2, 'the adopted ReplicaSet is the new one; nothing else is created');
});

test('a hash collision (same name, other template) bumps collisionCount and then creates a differently named ReplicaSet', async () => {
  const h = harness();
  const d = await h.create(newDeployment('web', 1));
  const hash = computeHash(d.spec!.template);
  const squatter = newReplicaSet(`web-${hash}`, 0, { labels: { app: 'other' } });
  seed(h.client, REPLICASETS, squatter);
  await assert.rejects(h.sync());
  assert.equal((await h.deployment()).status?.collisionCount, 1);
  await h.sync();
  const names = (await h.replicaSets()).map((rs) => rs.metadata?.name).sort();
  assert.deepEqual(names, [`web-${computeHash(d.spec!.template, 1)}`, `web-${hash}`].sort());
});

test('a template annotation change (rollout restart) is a new revision', async () => {
  const h = harness();
  await h.create(newDeployment('web', 1));
  await h.sync();
  await h.settle(0);
  await h.update('web', (d) => (d.spec!.template.metadata!.annotations = { 'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z' }));
  await h.sync();
  const rss = await h.replicaSets();
  assert.equal(rss.length, 2);
  assert.equal((await h.deployment()).metadata?.annotations?.['deployment.kubernetes.io/revision'], '2');
});

test('a selector that selects everything is refused with a SelectingAll event', async () => {
  const h = harness();
  const d = newDeployment('web', 1);
  d.spec!.selector = {};
  await h.create(d);
  await h.sync();
  assert.deepEqual(h.recorder.events, ['Warning SelectingAll This deployment is selecting all pods. A non-empty selector is required.']);
  assert.equal((await h.replicaSets()).length, 0);
  assert.equal((await h.deployment()).status?.observedGeneration, 1);
});

test('the cached Deployment is never mutated (informers freeze their objects)', async () => {
  const h = harness();
  await h.create(newDeployment('web', 2));
  await h.sync();
  await h.settle(0);
  await h.update('web', (d) => (d.spec!.template.spec!.containers[0]!.image = 'nginx:1.27'));
  await rollOut(h, () => {});
  assert.ok(Object.isFrozen(h.deploymentInformer.indexer.get('default/web')));
});
