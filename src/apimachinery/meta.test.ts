import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import {
  type KubeObject,
  controllerRef,
  formatGVK,
  formatGVR,
  formatGroupVersion,
  formatMicroTime,
  formatTime,
  gvkFromAPIVersionAndKind,
  gvkOf,
  isControlledBy,
  metaNamespaceKey,
  newControllerRef,
  now,
  nowMicro,
  parseGroupResource,
  parseGroupVersion,
  splitMetaNamespaceKey,
} from './meta.js';

describe('group/version helpers', () => {
  it('parses apiVersion strings like schema.ParseGroupVersion', () => {
    assert.deepEqual(parseGroupVersion('apps/v1'), { group: 'apps', version: 'v1' });
    assert.deepEqual(parseGroupVersion('v1'), { group: '', version: 'v1' });
    assert.deepEqual(parseGroupVersion(''), { group: '', version: '' });
    assert.deepEqual(parseGroupVersion('/'), { group: '', version: '' });
    assert.deepEqual(parseGroupVersion('rbac.authorization.k8s.io/v1'), { group: 'rbac.authorization.k8s.io', version: 'v1' });
    assert.throws(() => parseGroupVersion('a/b/c'), { message: 'unexpected GroupVersion string: a/b/c' });
  });

  it('formats them back', () => {
    assert.equal(formatGroupVersion({ group: 'apps', version: 'v1' }), 'apps/v1');
    assert.equal(formatGroupVersion({ group: '', version: 'v1' }), 'v1');
    assert.equal(formatGVK({ group: 'apps', version: 'v1', kind: 'Deployment' }), 'apps/v1, Kind=Deployment');
    assert.equal(formatGVK(gvkFromAPIVersionAndKind('v1', 'Pod')), '/v1, Kind=Pod');
    assert.equal(formatGVR({ group: 'apps', version: 'v1', resource: 'deployments' }), 'apps/v1, Resource=deployments');
  });

  it('derives GVKs from objects and tolerates bad apiVersions', () => {
    assert.deepEqual(gvkOf({ apiVersion: 'batch/v1', kind: 'Job' }), { group: 'batch', version: 'v1', kind: 'Job' });
    assert.deepEqual(gvkFromAPIVersionAndKind('x/y/z', 'K'), { group: '', version: '', kind: 'K' });
    assert.deepEqual(gvkOf({}), { group: '', version: '', kind: '' });
  });

  it('parses group resources', () => {
    assert.deepEqual(parseGroupResource('deployments.apps'), { group: 'apps', resource: 'deployments' });
    assert.deepEqual(parseGroupResource('pods'), { group: '', resource: 'pods' });
  });
});

describe('timestamps', () => {
  it('formats RFC3339 with seconds and Z', () => {
    assert.equal(formatTime(Date.parse('2024-05-01T12:00:00.789Z')), '2024-05-01T12:00:00Z');
    assert.equal(now(() => Date.parse('2024-01-02T03:04:05.006Z')), '2024-01-02T03:04:05Z');
    assert.match(now(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('formats MicroTime with six fractional digits', () => {
    assert.equal(formatMicroTime(Date.parse('2024-05-01T12:00:00.789Z')), '2024-05-01T12:00:00.789000Z');
    assert.match(nowMicro(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});

describe('owner references', () => {
  const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', uid: 'rs-uid' } };

  it('newControllerRef points at the owner and blocks its deletion', () => {
    assert.deepEqual(newControllerRef(rs, { group: 'apps', version: 'v1', kind: 'ReplicaSet' }), {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'web-1',
      uid: 'rs-uid',
      controller: true,
      blockOwnerDeletion: true,
    });
  });

  it('controllerRef/isControlledBy find the controller by uid', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-1-abc',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: 'cm' },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-uid', controller: true },
        ],
      },
    };
    assert.equal(controllerRef(pod)?.uid, 'rs-uid');
    assert.equal(isControlledBy(pod, rs), true);
    assert.equal(isControlledBy(pod, { metadata: { uid: 'other' } }), false);
    assert.equal(isControlledBy(pod, { metadata: {} }), false);
    assert.equal(controllerRef({ metadata: {} }), undefined);
    assert.equal(isControlledBy({ metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'cm' }] } }, { metadata: { uid: 'cm' } }), false);
  });
});

describe('cache keys', () => {
  it('builds and splits namespace/name keys', () => {
    assert.equal(metaNamespaceKey({ metadata: { namespace: 'default', name: 'web' } }), 'default/web');
    assert.equal(metaNamespaceKey({ metadata: { name: 'node-1' } }), 'node-1');
    assert.deepEqual(splitMetaNamespaceKey('default/web'), { namespace: 'default', name: 'web' });
    assert.deepEqual(splitMetaNamespaceKey('node-1'), { namespace: '', name: 'node-1' });
    assert.throws(() => splitMetaNamespaceKey('a/b/c'), { message: 'unexpected key format: "a/b/c"' });
  });
});
