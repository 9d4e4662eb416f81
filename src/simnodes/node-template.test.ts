import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SHAPE, conditionsHealthy, healthyConditions, nodeIPFor, podCIDRFor, simNodeObject } from './node-template.js';

test('address ranges: node IPs in 10.244/16 skip .0 and .255; pod CIDRs are /24s from 10.42.0.0 on', () => {
  assert.equal(nodeIPFor(0), '10.244.0.1');
  assert.equal(nodeIPFor(253), '10.244.0.254');
  assert.equal(nodeIPFor(254), '10.244.1.1');
  assert.equal(podCIDRFor(0), '10.42.0.0/24');
  assert.equal(podCIDRFor(255), '10.42.255.0/24');
  assert.equal(podCIDRFor(499), '10.43.243.0/24');
  const ips = new Set(Array.from({ length: 500 }, (_, i) => nodeIPFor(i)));
  assert.equal(ips.size, 500);
});

test('the registered Node carries capacity, labels, taints, nodeInfo and healthy conditions', () => {
  const now = Date.UTC(2024, 0, 1, 12);
  const node = simNodeObject('sim-3', 3, { ...DEFAULT_SHAPE, labels: { zone: 'a' }, taints: [{ key: 'k', effect: 'NoSchedule' }] }, now);
  assert.deepEqual(node.status?.capacity, { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' });
  assert.deepEqual(node.status?.allocatable, node.status?.capacity);
  assert.equal(node.metadata?.labels?.['kubernetes.io/hostname'], 'sim-3');
  assert.equal(node.metadata?.labels?.['node.kubernetes.io/instance-type'], 'sim');
  assert.equal(node.metadata?.labels?.zone, 'a');
  assert.deepEqual(node.spec?.taints, [{ key: 'k', effect: 'NoSchedule' }]);
  assert.deepEqual(node.spec?.podCIDRs, ['10.42.3.0/24']);
  assert.deepEqual(node.status?.addresses?.[0], { type: 'InternalIP', address: '10.244.0.4' });
  assert.equal(node.status?.nodeInfo?.kubeletVersion, 'v1.32.0-kite-sim');
  assert.equal(node.status?.nodeInfo?.containerRuntimeVersion, 'sim://1');
  assert.equal(node.status?.nodeInfo?.architecture, 'amd64');
  assert.deepEqual(node.status?.conditions?.map((c) => `${c.type}=${c.status}`), ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True']);
  assert.ok(conditionsHealthy(node.status?.conditions));
});

test('heartbeat conditions keep the transition time of an unchanged status and reset a changed one', () => {
  const before = healthyConditions(Date.UTC(2024, 0, 1, 12));
  const unknown = before.map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c));
  assert.equal(conditionsHealthy(unknown), false);
  const after = healthyConditions(Date.UTC(2024, 0, 1, 12, 5), unknown);
  const ready = after.find((c) => c.type === 'Ready')!;
  const memory = after.find((c) => c.type === 'MemoryPressure')!;
  assert.equal(ready.lastTransitionTime, '2024-01-01T12:05:00Z');
  assert.equal(memory.lastTransitionTime, '2024-01-01T12:00:00Z');
  assert.equal(memory.lastHeartbeatTime, '2024-01-01T12:05:00Z');
});
