import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { storageClassDisplayName, storageclasses } from './storage.js';
import { type StorageClass, storageClassStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'admin', groups: [] }, namespace: '', dryRun: false };
const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

const sc = (fields: Partial<StorageClass>): StorageClass => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'standard', creationTimestamp: '2024-01-01T00:00:00Z' },
  ...fields,
});

describe('storageclasses strategy', () => {
  it('defaults reclaimPolicy and volumeBindingMode', () => {
    const s = sc({ provisioner: 'rancher.io/local-path' });
    storageClassStrategy.prepareForCreate(s, ctx);
    assert.equal(s.reclaimPolicy, 'Delete');
    assert.equal(s.volumeBindingMode, 'Immediate');
    assert.deepEqual(messages(storageClassStrategy.validate(s, ctx)), []);
  });

  it('requires a provisioner and supported policies', () => {
    const s = sc({ reclaimPolicy: 'Recycle', volumeBindingMode: 'Later' });
    assert.deepEqual(messages(storageClassStrategy.validate(s, ctx)), [
      'provisioner: Required value',
      'reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"',
      'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
    ]);
  });

  it('validates allowed topologies', () => {
    const s = sc({ provisioner: 'x.io/y', volumeBindingMode: 'WaitForFirstConsumer', allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: [] }] }] });
    assert.deepEqual(messages(storageClassStrategy.validate(s, ctx)), ['allowedTopologies[0].matchLabelExpressions[0].values: Required value']);
  });

  it('forbids changing provisioner, parameters and reclaimPolicy', () => {
    const old = sc({ provisioner: 'a.io/x', parameters: { type: 'ssd' }, reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
    const next = sc({ provisioner: 'b.io/x', parameters: { type: 'hdd' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true });
    assert.deepEqual(messages(storageClassStrategy.validateUpdate(next, old, ctx)), [
      'parameters: Forbidden: updates to parameters are forbidden.',
      'provisioner: Forbidden: updates to provisioner are forbidden.',
      'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
      'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
    ]);
  });
});

describe('storageclasses table', () => {
  it('prints the columns and marks the default class', () => {
    const s = sc({ provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' });
    assert.deepEqual(storageclasses.table!.columns.map((c) => c.name), ['Provisioner', 'ReclaimPolicy', 'VolumeBindingMode', 'AllowVolumeExpansion', 'Age']);
    assert.deepEqual(storageclasses.table!.cells(s, Date.parse('2024-01-01T00:00:20Z')), ['rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', false, '20s']);
    assert.equal(storageClassDisplayName(s), 'standard');
    s.metadata.annotations = { 'storageclass.kubernetes.io/is-default-class': 'true' };
    assert.equal(storageClassDisplayName(s), 'standard (default)');
  });
});
