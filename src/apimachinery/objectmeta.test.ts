import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import type { ObjectMeta } from './meta.js';
import {
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  root,
  validateAnnotations,
  validateFieldManager,
  validateFinalizers,
  validateManagedFields,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateOwnerReferences,
} from './validation.js';

const namespaced = { namespaced: true, nameValidator: nameIsDNSSubdomain };
const clusterScoped = { namespaced: false, nameValidator: nameIsDNSLabel };
const messages = (errs: { items: { message: string }[] }): string[] => errs.items.map((e) => e.message);
const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u1' };

describe('validateObjectMeta', () => {
  it('accepts a complete valid object', () => {
    const meta: ObjectMeta = {
      name: 'web',
      namespace: 'default',
      generation: 1,
      labels: { app: 'web', 'example.com/tier': 'front' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: true }],
      finalizers: ['example.com/cleanup', 'orphan'],
      managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1' }],
    };
    assert.deepEqual(messages(validateObjectMeta(meta, namespaced)), []);
  });

  it('requires a name and a namespace when namespaced', () => {
    assert.deepEqual(messages(validateObjectMeta({}, namespaced)), [
      'metadata.name: Required value: name or generateName is required',
      'metadata.namespace: Required value',
    ]);
  });

  it('forbids a namespace on cluster-scoped objects', () => {
    assert.deepEqual(messages(validateObjectMeta({ name: 'n1', namespace: 'x' }, clusterScoped)), ['metadata.namespace: Forbidden: not allowed on this type']);
  });

  it('checks name, generateName and namespace formats', () => {
    const errs = messages(validateObjectMeta({ name: 'Web', generateName: 'Web-', namespace: 'a.b' }, namespaced));
    assert.equal(errs.length, 3);
    assert.match(errs[0]!, /^metadata\.generateName: Invalid value: "Web-": a lowercase RFC 1123 subdomain/);
    assert.match(errs[1]!, /^metadata\.name: Invalid value: "Web": a lowercase RFC 1123 subdomain/);
    assert.equal(errs[2], 'metadata.namespace: Invalid value: "a.b": must not contain dots');
    assert.deepEqual(messages(validateObjectMeta({ name: 'web-abcde', generateName: 'web-', namespace: 'ns' }, namespaced)), []);
  });

  it('rejects a negative generation', () => {
    assert.deepEqual(messages(validateObjectMeta({ name: 'a', namespace: 'b', generation: -1 }, namespaced)), [
      'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('validates labels on the labels path', () => {
    const errs = messages(validateObjectMeta({ name: 'a', namespace: 'b', labels: { 'bad/key/x': 'v' } }, namespaced));
    assert.equal(errs.length, 1);
    assert.match(errs[0]!, /^metadata\.labels: Invalid value: "bad\/key\/x": a qualified name must consist of/);
  });

  it('uses a custom path', () => {
    assert.deepEqual(messages(validateObjectMeta({}, clusterScoped, root('spec', 'template', 'metadata'))), [
      'spec.template.metadata.name: Required value: name or generateName is required',
    ]);
  });
});

describe('annotations', () => {
  it('checks keys lowercased but reports the original', () => {
    assert.deepEqual(messages(validateAnnotations({ 'Example.COM/Key': 'v' }, root('metadata', 'annotations'))), []);
    const errs = messages(validateAnnotations({ 'a b': 'v' }, root('metadata', 'annotations')));
    assert.match(errs[0]!, /^metadata\.annotations: Invalid value: "a b": name part must consist of/);
  });

  it('limits keys plus values to 256 KiB', () => {
    const path = root('metadata', 'annotations');
    assert.deepEqual(messages(validateAnnotations({ k: 'x'.repeat(256 * 1024 - 1) }, path)), []);
    assert.deepEqual(messages(validateAnnotations({ k: 'x'.repeat(256 * 1024) }, path)), ['metadata.annotations: Too long: may not be more than 262144 bytes']);
  });
});

describe('ownerReferences', () => {
  const path = root('metadata', 'ownerReferences');

  it('requires each field, reporting on the unindexed path like Kubernetes', () => {
    assert.deepEqual(messages(validateOwnerReferences([{ apiVersion: 'apps/', kind: '', name: '', uid: '' }], path)), [
      'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    ]);
    assert.equal(messages(validateOwnerReferences([{ ...owner, apiVersion: 'a/b/c' }], path))[0], 'metadata.ownerReferences.apiVersion: Invalid value: "a/b/c": version must not be empty');
  });

  it('allows one controller only', () => {
    const refs = [
      { ...owner, controller: true },
      { ...owner, name: 'web-2', uid: 'u2', controller: true },
    ];
    const errs = messages(validateOwnerReferences(refs, path));
    assert.equal(errs.length, 1);
    assert.match(errs[0]!, /Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/web-1 and ReplicaSet\/web-2$/);
  });

  it('refuses Events as owners', () => {
    const errs = messages(validateOwnerReferences([{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }], path));
    assert.equal(errs.length, 1);
    assert.match(errs[0]!, /: \/v1, Kind=Event is disallowed from being an owner$/);
  });
});

describe('finalizers and managedFields', () => {
  const path = root('metadata', 'finalizers');

  it('requires qualified names and not both orphan and foregroundDeletion', () => {
    assert.deepEqual(messages(validateFinalizers(['kubernetes', 'example.com/x'], path)), []);
    const errs = messages(validateFinalizers(['bad name', 'orphan', 'foregroundDeletion'], path));
    assert.equal(errs.length, 2);
    assert.match(errs[0]!, /^metadata\.finalizers: Invalid value: "bad name": name part must consist of/);
    assert.equal(errs[1], 'metadata.finalizers: Invalid value: []string{"bad name", "orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set');
  });

  it('checks managedFields entries', () => {
    const errs = messages(
      validateManagedFields([{ manager: 'm', operation: 'Patch', fieldsType: 'FieldsV2', subresource: 's'.repeat(257) }], root('metadata', 'managedFields')),
    );
    assert.deepEqual(errs, [
      'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
      'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
      'metadata.managedFields[0].subresource: Too long: may not be more than 256 bytes',
    ]);
    assert.deepEqual(messages(validateFieldManager('a\u0007', root('fieldManager'))), ['fieldManager: Invalid value: "a\\a": invalid character U+0007 (at position 1)']);
    assert.deepEqual(messages(validateFieldManager('m'.repeat(129), root('fieldManager'))), ['fieldManager: Too long: may not be more than 128 bytes']);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = {
    name: 'web',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '5',
    generation: 2,
    creationTimestamp: '2024-05-01T12:00:00Z',
  };

  it('accepts an unchanged identity', () => {
    assert.deepEqual(messages(validateObjectMetaUpdate({ ...old, labels: { a: 'b' }, generation: 3 }, old)), []);
  });

  it('reports every immutable field that changed', () => {
    const changed: ObjectMeta = {
      name: 'web2',
      namespace: 'other',
      uid: 'u2',
      resourceVersion: '',
      generation: 1,
      creationTimestamp: '2024-05-02T00:00:00Z',
      deletionTimestamp: '2024-05-03T01:02:03Z',
      deletionGracePeriodSeconds: 30,
    };
    assert.deepEqual(messages(validateObjectMetaUpdate(changed, old)), [
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
      'metadata.generation: Invalid value: 1: must not be decremented',
      'metadata.name: Invalid value: "web2": field is immutable',
      'metadata.namespace: Invalid value: "other": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
      'metadata.creationTimestamp: Invalid value: 2024-05-02 00:00:00 +0000 UTC: field is immutable',
      'metadata.deletionTimestamp: Invalid value: 2024-05-03 01:02:03 +0000 UTC: field is immutable',
      'metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable',
    ]);
  });

  it('treats equal instants as equal and removal of deletion fields as a change', () => {
    const deleting = { ...old, deletionTimestamp: '2024-05-03T01:02:03Z', deletionGracePeriodSeconds: 0 };
    assert.deepEqual(messages(validateObjectMetaUpdate({ ...deleting, creationTimestamp: '2024-05-01T14:00:00+02:00' }, deleting)), []);
    assert.deepEqual(messages(validateObjectMetaUpdate({ ...old }, deleting)), [
      'metadata.deletionTimestamp: Invalid value: null: field is immutable',
      'metadata.deletionGracePeriodSeconds: Invalid value: null: field is immutable',
    ]);
  });

  it('forbids new finalizers once deletion started', () => {
    const deleting = { ...old, deletionTimestamp: '2024-05-03T01:02:03Z', finalizers: ['a.io/x'] };
    assert.deepEqual(messages(validateObjectMetaUpdate({ ...deleting, finalizers: ['a.io/x', 'b.io/y', 'a.io/z'] }, deleting)), [
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"a.io/z", "b.io/y"}',
    ]);
    assert.deepEqual(messages(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting)), []);
  });
});
