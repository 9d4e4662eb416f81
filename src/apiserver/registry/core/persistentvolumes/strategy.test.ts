import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../../../apimachinery/errors.js';
import { adminCtx, memoryRegistry } from '../test-helpers.js';
import { persistentvolumes } from './storage.js';
import { type PersistentVolume, accessModesText } from './strategy.js';

const ctx = adminCtx('');
const pv = (spec: Record<string, unknown>, name = 'pv1'): PersistentVolume => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec }) as PersistentVolume;
const good = { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data/pv1' }, storageClassName: 'local' };

test('defaults, Pending status and the kubectl columns', async () => {
  const { registry } = memoryRegistry(persistentvolumes);
  const created = (await registry.create(ctx, pv(good))) as PersistentVolume;
  assert.equal(created.spec!.persistentVolumeReclaimPolicy, 'Retain');
  assert.equal(created.spec!.volumeMode, 'Filesystem');
  assert.equal(created.status!.phase, 'Pending');
  assert.ok(created.status!.lastPhaseTransitionTime);
  const bound = { ...created, spec: { ...created.spec!, claimRef: { namespace: 'default', name: 'data' } }, status: { phase: 'Bound' } } as PersistentVolume;
  const now = Date.parse(created.metadata.creationTimestamp!) + 3_600_000;
  assert.deepEqual(persistentvolumes.table!.cells(bound, now), ['10Gi', 'RWO', 'Retain', 'Bound', 'default/data', 'local', '<unset>', '', '60m', 'Filesystem']);
  assert.deepEqual(persistentvolumes.table!.columns.filter((c) => !c.priority).map((c) => c.name), [
    'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age',
  ]);
  assert.equal(accessModesText(['ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOnce']), 'RWO,ROX,RWX');
  assert.deepEqual(persistentvolumes.shortNames, ['pv']);
});

test('validation and the immutable source', async () => {
  const { registry } = memoryRegistry(persistentvolumes);
  const bad = await registry.create(ctx, pv({ capacity: { storage: '0' }, accessModes: ['Sometimes'], hostPath: { path: '/x' }, nfs: { server: 's', path: '/p' } })).catch((e: StatusError) => e);
  const text = (bad as StatusError).status.message ?? '';
  assert.match(text, /spec\.accessModes: Unsupported value: "Sometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"/);
  assert.match(text, /spec\.capacity\[storage\]: Invalid value: "0": must be greater than zero/);
  assert.match(text, /spec\.nfs: Forbidden: may not specify more than 1 volume type/);
  const none = await registry.create(ctx, pv({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] })).catch((e: StatusError) => e);
  assert.equal((none as StatusError).status.message, 'PersistentVolume "pv1" is invalid: spec: Required value: must specify a volume type');
  await registry.create(ctx, pv(good));
  const moved = await registry.update(ctx, 'pv1', (cur) => ({ ...cur!, spec: { ...(cur as PersistentVolume).spec, hostPath: { path: '/elsewhere' } } })).catch((e: StatusError) => e);
  assert.match((moved as StatusError).status.message ?? '', /spec\.persistentvolumesource: Forbidden: spec\.persistentvolumesource is immutable after creation/);
});
