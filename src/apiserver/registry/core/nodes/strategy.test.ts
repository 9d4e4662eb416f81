import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../../../apimachinery/errors.js';
import { adminCtx, memoryRegistry } from '../test-helpers.js';
import { nodeRoles, nodeStatusText, nodes } from './storage.js';
import type { Node } from './strategy.js';

const ctx = adminCtx('');
const node = (extra: Partial<Node> = {}): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, ...extra }) as Node;

test('nodes keep the status they register with; allocatable defaults to capacity', async () => {
  const { registry } = memoryRegistry(nodes);
  const created = (await registry.create(ctx, node({ status: { capacity: { cpu: '4', memory: '8Gi' }, conditions: [{ type: 'Ready', status: 'True' }] } }))) as Node;
  assert.equal(created.metadata.namespace, undefined);
  assert.deepEqual(created.status!.allocatable, { cpu: '4', memory: '8Gi' });
  assert.equal(nodeStatusText(created), 'Ready');
  assert.equal(nodes.strategy.allowCreateOnUpdate, false);
  await assert.rejects(registry.update(ctx, 'missing', () => node({ metadata: { name: 'missing' } })), (e: StatusError) => e.status.code === 404);
});

test('STATUS, ROLES and the wide columns as kubectl prints them', () => {
  const n = node({
    metadata: { name: 'n1', creationTimestamp: '2024-05-01T00:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': '', 'kubernetes.io/role': 'etcd' } },
    spec: { unschedulable: true },
    status: {
      conditions: [{ type: 'Ready', status: 'False' }],
      addresses: [{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: 'n1' }],
      nodeInfo: { kubeletVersion: 'v1.32.0-kite', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.24', architecture: 'amd64', bootID: '', machineID: '', operatingSystem: 'linux', systemUUID: '', kubeProxyVersion: '' },
    },
  });
  const now = Date.parse('2024-05-03T00:00:00Z');
  assert.deepEqual(nodes.table!.cells(n, now), [
    'NotReady,SchedulingDisabled', 'control-plane,etcd,master', '2d', 'v1.32.0-kite', '192.168.1.10', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'containerd://1.7.24',
  ]);
  assert.equal(nodeStatusText(node()), 'Unknown');
  assert.equal(nodeRoles(node()), '<none>');
  assert.deepEqual(nodes.table!.columns.filter((c) => c.priority === 1).map((c) => c.name), ['Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']);
  assert.equal(nodes.selectableFields!['spec.unschedulable']!(n), 'true');
});

test('validation: taints and podCIDRs; podCIDRs fixed once set; status writes keep the spec', async () => {
  const { registry } = memoryRegistry(nodes);
  const bad = await registry.create(ctx, node({ spec: { podCIDRs: ['10.42.0.0/33'], taints: [{ key: 'k', effect: 'Sometimes' }, { key: '', effect: '' }] } })).catch((e: StatusError) => e);
  const text = (bad as StatusError).status.message ?? '';
  assert.match(text, /spec\.podCIDRs\[0\]: Invalid value: "10\.42\.0\.0\/33": must be a valid CIDR/);
  assert.match(text, /spec\.taints\[0\]\.effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"/);
  assert.match(text, /spec\.taints\[1\]\.key: Required value/);
  await registry.create(ctx, node({ spec: { podCIDR: '10.42.0.0/24' } }));
  const stored = (await registry.get('', 'n1')) as Node;
  assert.deepEqual(stored.spec!.podCIDRs, ['10.42.0.0/24']);
  const changed = await registry.update(ctx, 'n1', (cur) => ({ ...cur!, spec: { podCIDR: '10.42.1.0/24', podCIDRs: ['10.42.1.0/24'] } })).catch((e: StatusError) => e);
  assert.match((changed as StatusError).status.message ?? '', /spec\.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid/);
  const { object } = await registry.update(ctx, 'n1', (cur) => ({ ...cur!, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }), { subresource: 'status' });
  assert.equal((object as Node).spec!.unschedulable, undefined);
  assert.equal(nodeStatusText(object as Node), 'Ready');
});
