import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { FakeClient } from '../client/fake/fake-client.js';
import { LEASES, NODES, PODS } from '../client/resources.js';
import { startSimNodes } from './sim-nodes.js';

async function eventually<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const pod = (name: string, nodeName: string, extra: Partial<Pod['spec']> = {}, meta: Pod['metadata'] = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', ...meta },
  spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }], ...extra },
  status: { phase: 'Pending' },
});

const getPod = (client: FakeClient, name: string): Promise<Pod | undefined> => client.get<Pod>(PODS, 'default', name).catch(() => undefined);

test('registers nodes with leases, reports bound pods Running, completes opted-in pods, removes deleted ones', async () => {
  const client = new FakeClient();
  const sim = await startSimNodes(client, { count: 2, namePrefix: 'n-', leaseRenewIntervalMs: 100, tickMs: 20, terminationDelayMs: 50 });
  try {
    assert.deepEqual(sim.nodeNames, ['n-0', 'n-1']);
    const nodes = (await client.list<Node>(NODES, undefined)).items;
    assert.deepEqual(nodes.map((n) => n.metadata?.name).sort(), ['n-0', 'n-1']);
    const lease = await eventually('lease', () => client.get<Lease>(LEASES, 'kube-node-lease', 'n-1').catch(() => undefined));
    assert.equal(lease.spec?.holderIdentity, 'n-1');
    assert.equal(lease.spec?.leaseDurationSeconds, 40);
    assert.equal(lease.metadata?.ownerReferences?.[0]?.kind, 'Node');
    const firstRenew = lease.spec?.renewTime;
    await eventually('lease renewal', async () => (await client.get<Lease>(LEASES, 'kube-node-lease', 'n-1')).spec?.renewTime !== firstRenew || undefined);

    await client.create(PODS, 'default', pod('web', 'n-1'));
    await client.create(PODS, 'default', pod('elsewhere', 'real-node'));
    const running = await eventually('web running', async () => ((await getPod(client, 'web'))?.status?.phase === 'Running' ? getPod(client, 'web') : undefined));
    assert.equal(running!.status?.podIP, '10.42.1.1');
    assert.equal(running!.status?.hostIP, '10.244.0.2');
    assert.equal((await getPod(client, 'elsewhere'))?.status?.phase, 'Pending', 'pods on other nodes are left alone');

    await client.create(PODS, 'default', pod('job', 'n-0', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 0'] }] }, { annotations: { 'kite.dev/sim-duration': '100ms' } }));
    await client.create(PODS, 'default', pod('fails', 'n-0', { restartPolicy: 'Never' }, { annotations: { 'kite.dev/sim-exit-code': '3', 'kite.dev/sim-duration': '50ms' } }));
    await eventually('job succeeded', async () => (await getPod(client, 'job'))?.status?.phase === 'Succeeded' || undefined);
    const failed = await eventually('fails failed', async () => ((await getPod(client, 'fails'))?.status?.phase === 'Failed' ? getPod(client, 'fails') : undefined));
    assert.equal(failed!.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);

    await client.create(PODS, 'default', pod('going', 'n-0', {}, { deletionTimestamp: '2024-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 }));
    await eventually('going removed', async () => ((await getPod(client, 'going')) === undefined ? true : undefined));
  } finally {
    await sim.stop();
  }
});

test('stopped heartbeats: no lease renewals and no pod reports until resumed', async () => {
  const client = new FakeClient();
  const sim = await startSimNodes(client, { count: 1, leaseRenewIntervalMs: 50, statusUpdateIntervalMs: 50, tickMs: 10 });
  try {
    await eventually('lease', () => client.get<Lease>(LEASES, 'kube-node-lease', 'sim-0').catch(() => undefined));
    sim.stopHeartbeats('sim-0');
    assert.ok(sim.heartbeatsStopped('sim-0'));
    await new Promise((r) => setTimeout(r, 100));
    const frozen = (await client.get<Lease>(LEASES, 'kube-node-lease', 'sim-0')).spec?.renewTime;
    await client.create(PODS, 'default', pod('p', 'sim-0'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await client.get<Lease>(LEASES, 'kube-node-lease', 'sim-0')).spec?.renewTime, frozen);
    assert.equal((await getPod(client, 'p'))?.status?.phase, 'Pending');

    // The controller marks the node Unknown; after resuming, the sim posts Ready again.
    await client.patch(NODES, undefined, 'sim-0', 'strategic', { status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }] } }, { subresource: 'status' });
    sim.resumeHeartbeats('sim-0');
    await eventually('pod running after resume', async () => (await getPod(client, 'p'))?.status?.phase === 'Running' || undefined);
    await eventually('node ready again', async () => {
      const node = await client.get<Node>(NODES, undefined, 'sim-0');
      return node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' || undefined;
    });
  } finally {
    await sim.stop({ deleteNodes: true });
  }
  assert.equal((await client.list(NODES, undefined)).items.length, 0, 'deleteNodes removes the nodes');
});

test('a restarted sim takes over its existing nodes', async () => {
  const client = new FakeClient();
  const first = await startSimNodes(client, { count: 1, shape: { labels: { gen: '1' } } });
  await first.stop();
  const second = await startSimNodes(client, { count: 1, shape: { labels: { gen: '2' } } });
  try {
    const node = await client.get<Node>(NODES, undefined, 'sim-0');
    assert.equal(node.metadata?.labels?.gen, '2');
    assert.equal(node.spec?.podCIDR, '10.42.0.0/24');
  } finally {
    await second.stop();
  }
});
