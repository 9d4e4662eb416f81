import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ManagedFieldsEntry } from '../../apimachinery/meta.js';
import { FieldSet, fieldPE } from './fieldpath.js';
import { capUpdateManagers, decodeManagedFields, encodeManagedFields, managerId, printManager, updateManagedFields } from './managed-fields.js';

const t0 = new Date('2025-01-01T00:00:00Z');
const t1 = new Date('2025-01-01T00:01:00Z');

const deployment = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
  },
});

const stored = (obj: KubeObject): KubeObject => ({ ...structuredClone(obj), metadata: { ...structuredClone(obj.metadata), uid: 'uid-1', resourceVersion: '5' } });
const entries = (obj: KubeObject): ManagedFieldsEntry[] => obj.metadata.managedFields ?? [];
const byManager = (obj: KubeObject, manager: string) => entries(obj).find((e) => e.manager === manager);

test('create: the creating manager owns every field it set, except apiVersion, kind and identity metadata', () => {
  const obj = updateManagedFields(null, deployment(), 'kubectl-create', 'apps/v1', 'Update', { now: t0 });
  assert.deepEqual(entries(obj), [
    {
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2025-01-01T00:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
          },
        },
      },
    },
  ]);
});

test('update: changed fields move to the updating manager; removed fields leave everyone', () => {
  const created = stored(updateManagedFields(null, deployment(), 'kubectl-create', 'apps/v1', 'Update', { now: t0 }));
  const next = structuredClone(created);
  (next.spec as { replicas: number }).replicas = 3;
  delete next.metadata.labels;
  const updated = updateManagedFields(created, next, 'kubectl-scale', 'apps/v1', 'Update', { now: t1 });
  const creator = FieldSet.fromFieldsV1(byManager(updated, 'kubectl-create')!.fieldsV1);
  const scaler = byManager(updated, 'kubectl-scale')!;
  assert.ok(!creator.has([fieldPE('spec'), fieldPE('replicas')]));
  assert.ok(!creator.has([fieldPE('metadata'), fieldPE('labels'), fieldPE('app')]));
  assert.ok(creator.has([fieldPE('spec'), fieldPE('selector')]));
  assert.deepEqual(scaler.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
  assert.equal(scaler.time, '2025-01-01T00:01:00Z');
  assert.equal(byManager(updated, 'kubectl-create')!.time, '2025-01-01T00:00:00Z', 'the other entry keeps its time');
});

test('update that changes nothing adds no entry and moves no time', () => {
  const created = stored(updateManagedFields(null, deployment(), 'kubectl-create', 'apps/v1', 'Update', { now: t0 }));
  const same = updateManagedFields(created, structuredClone(created), 'someone', 'apps/v1', 'Update', { now: t1 });
  assert.deepEqual(same.metadata.managedFields, created.metadata.managedFields);
});

test('an existing object without managedFields is not tracked by updates; managedFields: [] resets', () => {
  const untracked = stored(deployment());
  const next = structuredClone(untracked);
  (next.spec as { replicas: number }).replicas = 2;
  assert.equal(updateManagedFields(untracked, next, 'x', 'apps/v1').metadata.managedFields, undefined);

  const tracked = stored(updateManagedFields(null, deployment(), 'kubectl-create', 'apps/v1', 'Update', { now: t0 }));
  const reset = structuredClone(tracked);
  reset.metadata.managedFields = [];
  assert.equal(updateManagedFields(tracked, reset, 'x', 'apps/v1').metadata.managedFields, undefined);
});

test('managedFields sent with the request replace the stored ones; invalid ones are ignored', () => {
  const tracked = stored(updateManagedFields(null, deployment(), 'kubectl-client-side-apply', 'apps/v1', 'Update', { now: t0 }));
  const replacement: ManagedFieldsEntry[] = [
    { manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2025-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
  ];
  const req = structuredClone(tracked);
  req.metadata.managedFields = replacement;
  assert.deepEqual(updateManagedFields(tracked, req, 'kubectl', 'apps/v1').metadata.managedFields, replacement);

  const bad = structuredClone(tracked);
  bad.metadata.managedFields = [{ manager: 'x', operation: 'Bogus', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }];
  assert.deepEqual(updateManagedFields(tracked, bad, 'y', 'apps/v1').metadata.managedFields, tracked.metadata.managedFields);
});

test('subresource writes are recorded with their subresource and ignore managedFields in the request', () => {
  const tracked = stored(updateManagedFields(null, deployment(), 'kubectl-create', 'apps/v1', 'Update', { now: t0 }));
  const next = structuredClone(tracked);
  next.status = { replicas: 1 };
  next.metadata.managedFields = [];
  const out = updateManagedFields(tracked, next, 'kube-controller-manager', 'apps/v1', 'Update', { now: t1, subresource: 'status' });
  const status = byManager(out, 'kube-controller-manager')!;
  assert.equal(status.subresource, 'status');
  assert.deepEqual(status.fieldsV1, { 'f:status': { 'f:replicas': {} } }, 'status is a non-pointer struct: never added itself');
  assert.ok(byManager(out, 'kubectl-create'));
  assert.equal(printManager({ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', subresource: 'status' }), '"kube-controller-manager" with subresource "status" using apps/v1');
});

test('ignoredFields keep reset fields (status on the main resource) out of the manager set', () => {
  const obj = deployment();
  obj.status = { replicas: 4 };
  const out = updateManagedFields(null, obj, 'm', 'apps/v1', 'Update', { now: t0, ignoredFields: FieldSet.of([fieldPE('status')]) });
  assert.ok(!('f:status' in (entries(out)[0].fieldsV1 ?? {})));
});

test('manager identifiers and encoding order: Apply first, then by time, manager, apiVersion', () => {
  assert.equal(managerId({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1' }), '{"manager":"kubectl","operation":"Apply"}');
  assert.equal(managerId({ manager: 'k', operation: 'Update', apiVersion: 'v1', subresource: 'status' }), '{"manager":"k","operation":"Update","apiVersion":"v1","subresource":"status"}');
  const raw: ManagedFieldsEntry[] = [
    { manager: 'b', operation: 'Update', apiVersion: 'v1', time: '2025-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:a': {} } },
    { manager: 'a', operation: 'Update', apiVersion: 'v1', time: '2025-01-01T00:00:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:b': {} } },
    { manager: 'z', operation: 'Apply', apiVersion: 'v1', time: '2025-01-02T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:c': {} } },
  ];
  assert.deepEqual(encodeManagedFields(decodeManagedFields(raw)).map((e) => e.manager), ['z', 'b', 'a']);
});

test('decodeManagedFields rejects what Kubernetes rejects', () => {
  assert.throws(() => decodeManagedFields([{ manager: 'a', operation: 'Patch', apiVersion: 'v1', fieldsType: 'FieldsV1' }]), /operation must be `Apply` or `Update`/);
  assert.throws(() => decodeManagedFields([{ manager: 'a', operation: 'Update', fieldsType: 'FieldsV1' }]), /apiVersion must not be empty/);
  assert.throws(() => decodeManagedFields([{ manager: 'a', operation: 'Update', apiVersion: 'v1' }]), /missing fieldsType/);
  assert.throws(() => decodeManagedFields([{ manager: 'a', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV2' }]), /invalid fieldsType "FieldsV2"/);
});

test('more than 10 Update managers: the oldest fold into "ancient-changes"', () => {
  const raw: ManagedFieldsEntry[] = Array.from({ length: 12 }, (_, i) => ({
    manager: `m${String(i).padStart(2, '0')}`,
    operation: 'Update',
    apiVersion: 'v1',
    time: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString().replace('.000', ''),
    fieldsType: 'FieldsV1',
    fieldsV1: { [`f:field${i}`]: {} },
  }));
  raw.push({ manager: 'applier', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:x': {} } });
  const managed = decodeManagedFields(raw);
  capUpdateManagers(managed);
  const out = encodeManagedFields(managed);
  assert.equal(out.filter((e) => e.operation === 'Update').length, 10);
  const ancient = out.find((e) => e.manager === 'ancient-changes')!;
  assert.deepEqual(ancient.fieldsV1, { 'f:field0': {}, 'f:field1': {}, 'f:field2': {} });
  assert.equal(ancient.time, '2025-01-01T00:00:02Z');
  assert.ok(out.some((e) => e.manager === 'applier'), 'appliers are never folded');
  assert.ok(!out.some((e) => ['m00', 'm01', 'm02'].includes(e.manager ?? '')));
});
