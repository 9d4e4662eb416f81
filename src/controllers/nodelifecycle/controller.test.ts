import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../client/clock.js';
import { LEASES, NODES, PODS } from '../../client/resources.js';
import { NodeLifecycleController } from './controller.js';
import { TAINT_UNREACHABLE } from './taints.js';
import { readyNode, runningPod, startWorld, until } from './testing.js';

const lease = (name: string, renewTime: string): Lease => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name, namespace: 'kube-node-lease' },
  spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime },
});

test('a silent node goes Unknown after the grace period, its pods unready, tainted unreachable; recovery undoes it', async () => {
  const world = await startWorld();
  const clock = new FakeClock(Date.UTC(2024, 0, 1));
  const { client } = world;
  try {
    await client.create(NODES, undefined, readyNode('n1'));
    await client.create(NODES, undefined, readyNode('n2'));
    await client.create(LEASES, 'kube-node-lease', lease('n1', '2024-01-01T00:00:00.000000Z'));
    await client.create(LEASES, 'kube-node-lease', lease('n2', '2024-01-01T00:00:00.000000Z'));
    await client.create(PODS, 'default', runningPod('p1', 'n1'));
    await client.create(PODS, 'default', runningPod('p2', 'n2'));
    await until('caches', () => world.nodes.indexer.size === 2 && world.pods.indexer.size === 2 && world.leases.indexer.size === 2);
    const controller = new NodeLifecycleController({ client, nodeInformer: world.nodes, leaseInformer: world.leases, podInformer: world.pods, recorder: world.recorder, clock, gracePeriodMs: 40_000 });

    await controller.monitorNodeHealth();
    clock.step(30_000);
    // n2's kubelet renews its lease; n1 stays silent.
    const l2 = await client.get<Lease>(LEASES, 'kube-node-lease', 'n2');
    await client.update(LEASES, 'kube-node-lease', { ...l2, spec: { ...l2.spec, renewTime: '2024-01-01T00:00:30.000000Z' } });
    await until('lease seen', () => world.leases.indexer.get('kube-node-lease/n2')?.spec?.renewTime === '2024-01-01T00:00:30.000000Z');
    await controller.monitorNodeHealth();
    clock.step(15_000);
    await controller.monitorNodeHealth();

    const n1 = await client.get<Node>(NODES, undefined, 'n1');
    const cond = n1.status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(cond?.status, 'Unknown');
    assert.equal(cond?.reason, 'NodeStatusUnknown');
    assert.equal(cond?.message, 'Kubelet stopped posting node status.');
    assert.equal((await client.get<Node>(NODES, undefined, 'n2')).status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    const p1 = await client.get<Pod>(PODS, 'default', 'p1');
    assert.equal(p1.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
    assert.equal((await client.get<Pod>(PODS, 'default', 'p2')).status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.ok(world.events.includes('Normal NodeNotReady n1: Node n1 status is now: NodeNotReady'), world.events.join('\n'));
    assert.ok(world.events.includes('Warning NodeNotReady p1: Node is not ready'));

    await until('unknown seen', () => world.nodes.indexer.get('n1')?.status?.conditions?.[0]?.status === 'Unknown');
    await controller.syncTaints('n1');
    await controller.syncTaints('n2');
    const tainted = await client.get<Node>(NODES, undefined, 'n1');
    assert.deepEqual(tainted.spec?.taints?.map((t) => `${t.key}:${t.effect}`), [`${TAINT_UNREACHABLE}:NoExecute`, `${TAINT_UNREACHABLE}:NoSchedule`]);
    assert.equal(tainted.spec?.taints?.[0]?.timeAdded, '2024-01-01T00:00:45Z');
    assert.equal((await client.get<Node>(NODES, undefined, 'n2')).spec?.taints, undefined);

    // The kubelet comes back and posts Ready.
    await client.updateStatus(NODES, undefined, { ...tainted, metadata: { ...tainted.metadata, resourceVersion: undefined }, status: readyNode('n1', '2024-01-01T00:01:00Z').status });
    await until('ready seen', () => world.nodes.indexer.get('n1')?.status?.conditions?.[0]?.status === 'True');
    await controller.monitorNodeHealth();
    await controller.syncTaints('n1');
    assert.deepEqual((await client.get<Node>(NODES, undefined, 'n1')).spec?.taints, []);
    assert.ok(world.events.includes('Normal NodeReady n1: Node n1 status is now: NodeReady'));
  } finally {
    world.abort.abort();
  }
});

test('a node whose kubelet reports Ready=False is tainted not-ready without waiting for the grace period', async () => {
  const world = await startWorld();
  const { client } = world;
  try {
    const node = readyNode('n1');
    node.status!.conditions![0]!.status = 'False';
    await client.create(NODES, undefined, node);
    await until('cache', () => world.nodes.indexer.size === 1);
    const controller = new NodeLifecycleController({ client, nodeInformer: world.nodes, leaseInformer: world.leases, podInformer: world.pods, recorder: world.recorder, clock: new FakeClock() });
    await controller.syncTaints('n1');
    const taints = (await client.get<Node>(NODES, undefined, 'n1')).spec?.taints ?? [];
    assert.deepEqual(taints.map((t) => `${t.key}:${t.effect}`), ['node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/not-ready:NoSchedule']);
  } finally {
    world.abort.abort();
  }
});
