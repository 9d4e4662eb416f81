import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deleteObject } from '../../generic/delete.js';
import { adminCtx, memoryRegistry } from '../test-helpers.js';
import { PENDING_GRACE_MS, ServiceAllocators, ipv4ToNumber } from './allocators.js';
import { startServiceAllocation } from './allocation-sync.js';
import { createServicesResource, serviceAllocatorsOf } from './storage.js';
import type { Service } from './types.js';

const web = (name: string, extra: Record<string, unknown> = {}): Service =>
  ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...extra } }) as Service;

const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition not reached');
};

test('a restarted server rebuilds its allocators from the stored services', async () => {
  const first = createServicesResource(new ServiceAllocators({ serviceCIDR: '10.43.0.0/29' }));
  const { registry, store } = memoryRegistry(first);
  const a = (await registry.create(adminCtx(), web('a', { type: 'NodePort' }))) as Service;
  // A second server over the same store: its fresh allocators must learn what is taken.
  const second = createServicesResource(new ServiceAllocators({ serviceCIDR: '10.43.0.0/29' }));
  const allocators = serviceAllocatorsOf(second)!;
  const sync = await startServiceAllocation(allocators, store, { repairIntervalMs: 60_000 });
  try {
    assert.equal(allocators.ips.get(ipv4ToNumber(a.spec!.clusterIP!)!)?.committed, true);
    assert.equal(allocators.nodePorts.get(a.spec!.ports![0]!.nodePort!)?.owner, a.metadata.uid);
    const { registry: registry2 } = memoryRegistry(second, store);
    const clash = await registry2.create(adminCtx(), web('b', { clusterIP: a.spec!.clusterIP })).catch((e: { status: { message: string } }) => e);
    assert.match((clash as { status: { message: string } }).status.message, /provided IP is already allocated/);
    // /29: six usable addresses, .1 kept for `kubernetes`, one held by "a": four left, none of them a's.
    for (const name of ['c', 'd', 'e', 'f']) {
      const s = (await registry2.create(adminCtx(), web(name))) as Service;
      assert.notEqual(s.spec!.clusterIP, a.spec!.clusterIP);
    }
    await assert.rejects(registry2.create(adminCtx(), web('g')), /range is full/);
  } finally {
    sync.stop();
  }
});

test('deleting a service frees its IP and node port; lost reservations are reclaimed', async () => {
  let now = Date.parse('2024-05-01T12:00:00Z');
  const allocators = new ServiceAllocators({ serviceCIDR: '10.43.0.0/29', now: () => now });
  const def = createServicesResource(allocators);
  const { registry, store } = memoryRegistry(def);
  const sync = await startServiceAllocation(allocators, store, { repairIntervalMs: 60_000 });
  try {
    const a = (await registry.create(adminCtx(), web('a', { type: 'NodePort' }))) as Service;
    const ip = ipv4ToNumber(a.spec!.clusterIP!)!;
    await until(() => allocators.ips.get(ip)?.committed === true);
    await deleteObject(registry, adminCtx(), 'a', {});
    await until(() => allocators.ips.get(ip) === undefined);
    assert.equal(allocators.nodePorts.get(a.spec!.ports![0]!.nodePort!), undefined);

    // A create that fails after allocation (the name exists) leaves a pending reservation behind.
    await registry.create(adminCtx(), web('b'));
    const before = allocators.ips.usedCount;
    await assert.rejects(registry.create(adminCtx(), web('b')), (e: { status?: { reason?: string } }) => e.status?.reason === 'AlreadyExists');
    assert.equal(allocators.ips.usedCount, before + 1);
    await sync.repair();
    assert.equal(allocators.ips.usedCount, before + 1, 'a fresh reservation is kept (its write may still land)');
    now += PENDING_GRACE_MS + 1;
    await sync.repair();
    assert.equal(allocators.ips.usedCount, before);
  } finally {
    sync.stop();
  }
});
