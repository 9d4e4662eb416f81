import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../../../apimachinery/errors.js';
import { adminCtx, memoryRegistry } from '../test-helpers.js';
import { persistentvolumeclaims } from './storage.js';
import type { PersistentVolumeClaim } from './strategy.js';

const pvc = (spec: Record<string, unknown>): PersistentVolumeClaim => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec }) as PersistentVolumeClaim;
const good = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'local' };

test('Pending on create, volumeMode default, columns before and after binding', async () => {
  const { registry } = memoryRegistry(persistentvolumeclaims);
  const created = (await registry.create(adminCtx(), pvc(good))) as PersistentVolumeClaim;
  assert.deepEqual(created.status, { phase: 'Pending' });
  assert.equal(created.spec!.volumeMode, 'Filesystem');
  const now = Date.parse(created.metadata.creationTimestamp!) + 5_000;
  assert.deepEqual(persistentvolumeclaims.table!.cells(created, now), ['Pending', '', '', '', 'local', '<unset>', '5s', 'Filesystem']);
  // The binder sets volumeName (allowed from "") and the status.
  await registry.update(adminCtx(), 'data', (cur) => ({ ...cur!, spec: { ...(cur as PersistentVolumeClaim).spec, volumeName: 'pv1' } }));
  const { object } = await registry.update(adminCtx(), 'data', (cur) => ({ ...cur!, status: { phase: 'Bound', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'] } }), { subresource: 'status' });
  assert.deepEqual(persistentvolumeclaims.table!.cells(object as PersistentVolumeClaim, now).slice(0, 4), ['Bound', 'pv1', '10Gi', 'RWO']);
  assert.deepEqual(persistentvolumeclaims.shortNames, ['pvc']);
});

test('validation, immutability, expansion only for bound claims', async () => {
  const { registry } = memoryRegistry(persistentvolumeclaims);
  const bad = await registry.create(adminCtx(), pvc({})).catch((e: StatusError) => e);
  const text = (bad as StatusError).status.message ?? '';
  assert.match(text, /spec\.accessModes: Required value: at least 1 access mode is required/);
  assert.match(text, /spec\.resources\[storage\]: Required value/);
  await registry.create(adminCtx(), pvc(good));
  const grow = (size: string) => registry.update(adminCtx(), 'data', (cur) => ({ ...cur!, spec: { ...(cur as PersistentVolumeClaim).spec, resources: { requests: { storage: size } } } }));
  const unbound = await grow('2Gi').catch((e: StatusError) => e);
  assert.match((unbound as StatusError).status.message ?? '', /spec: Forbidden: spec is immutable after creation except resources\.requests and volumeAttributesClassName for bound claims/);
  await registry.update(adminCtx(), 'data', (cur) => ({ ...cur!, status: { phase: 'Bound' } }), { subresource: 'status' });
  const { object } = await grow('2Gi');
  assert.equal((object as PersistentVolumeClaim).spec!.resources!.requests!.storage, '2Gi');
  const shrink = await grow('1Gi').catch((e: StatusError) => e);
  assert.match((shrink as StatusError).status.message ?? '', /spec\.resources\.requests\.storage: Forbidden: field can not be less than previous value/);
});
