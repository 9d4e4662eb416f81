import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../apimachinery/errors.js';
import { MAX_JSON_PATCH_OPERATIONS, applyJsonPatch } from './json-patch.js';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', resourceVersion: '7', annotations: { a: '1' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } },
});

const statusOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected StatusError, got ${String(err)}`);
    return err.status;
  }
  assert.fail('expected an error');
};

test('applies add, replace, remove, move, copy and test in order', () => {
  const doc = deployment();
  const out = applyJsonPatch(doc, [
    { op: 'test', path: '/metadata/resourceVersion', value: '7' },
    { op: 'replace', path: '/spec/replicas', value: 3 },
    { op: 'add', path: '/metadata/labels', value: { app: 'web' } },
    { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'side', image: 'busybox' } },
    { op: 'copy', from: '/metadata/labels', path: '/spec/template/metadata' },
    { op: 'move', from: '/metadata/annotations/a', path: '/metadata/annotations/b' },
    { op: 'remove', path: '/spec/template/spec/containers/0' },
  ]);
  assert.deepEqual(out.spec, { replicas: 3, template: { metadata: { app: 'web' }, spec: { containers: [{ name: 'side', image: 'busybox' }] } } });
  assert.deepEqual(out.metadata, { name: 'web', resourceVersion: '7', annotations: { b: '1' }, labels: { app: 'web' } });
  assert.equal(doc.spec.replicas, 1, 'the input is not modified');
});

test('rollout undo: replace /spec/template and /metadata/annotations', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.24' }] } };
  const out = applyJsonPatch(deployment(), [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '1' } },
  ]);
  assert.deepEqual(out.spec, { replicas: 1, template });
  assert.deepEqual((out.metadata as Record<string, unknown>).annotations, { 'deployment.kubernetes.io/revision': '1' });
  template.spec.containers[0].image = 'changed';
  assert.equal((out.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image, 'nginx:1.24', 'no aliasing with the patch');
});

test('a failed test op is the fixed 422 Invalid with empty details', () => {
  const status = statusOf(() => applyJsonPatch(deployment(), [{ op: 'test', path: '/metadata/resourceVersion', value: '6' }]));
  assert.deepEqual(status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server rejected our request due to an error in our request',
    reason: 'Invalid',
    details: {},
    code: 422,
  });
});

test('missing paths and unknown ops are 422 too', () => {
  for (const op of [
    { op: 'remove', path: '/metadata/labels/x' },
    { op: 'replace', path: '/spec/paused', value: true },
    { op: 'add', path: '/nope/deeper', value: 1 },
    { op: 'frobnicate', path: '/spec' },
    { path: '/spec' },
    { op: 'move', from: '/missing', path: '/x' },
  ]) {
    const status = statusOf(() => applyJsonPatch(deployment(), [op]));
    assert.equal(status.code, 422, JSON.stringify(op));
    assert.equal(status.reason, 'Invalid');
  }
});

test('the patch is atomic: nothing applies when a later op fails', () => {
  const doc = deployment();
  assert.throws(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/replicas', value: 9 }, { op: 'test', path: '/spec/replicas', value: 1 }]));
  assert.equal(doc.spec.replicas, 1);
});

test('a test for null passes on an absent member (evanphx/json-patch v4)', () => {
  const out = applyJsonPatch(deployment(), [
    { op: 'test', path: '/metadata/labels', value: null },
    { op: 'add', path: '/metadata/labels', value: {} },
  ]);
  assert.deepEqual((out.metadata as Record<string, unknown>).labels, {});
});

test('a body that is not a list of objects is a 400 with the Go decoder message', () => {
  let status = statusOf(() => applyJsonPatch(deployment(), { op: 'add' }));
  assert.equal(status.code, 400);
  assert.equal(status.reason, 'BadRequest');
  assert.equal(status.message, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  status = statusOf(() => applyJsonPatch(deployment(), ['add']));
  assert.equal(status.message, 'json: cannot unmarshal string into Go value of type jsonpatch.Operation');
});

test('more than 10000 operations is a 413', () => {
  const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/kind', value: 'Deployment' }));
  const status = statusOf(() => applyJsonPatch(deployment(), ops));
  assert.equal(status.code, 413);
  assert.equal(status.reason, 'RequestEntityTooLarge');
  assert.equal(status.message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
});

test('replacing the whole document with a non-object is a 422 on field "patch"', () => {
  const status = statusOf(() => applyJsonPatch(deployment(), [{ op: 'replace', path: '', value: [1] }]));
  assert.equal(status.code, 422);
  assert.deepEqual(status.details?.causes?.map((c) => c.field), ['patch']);
});

test('the kubectl CSA upgrade patch replaces managedFields and resourceVersion', () => {
  const managedFields = [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
  const out = applyJsonPatch({ ...deployment(), metadata: { name: 'web', resourceVersion: '7', managedFields: [] } }, [
    { op: 'replace', path: '/metadata/managedFields', value: managedFields },
    { op: 'replace', path: '/metadata/resourceVersion', value: '128' },
  ]);
  assert.deepEqual(out.metadata, { name: 'web', resourceVersion: '128', managedFields });
});

test('__proto__ paths cannot pollute prototypes', () => {
  assert.throws(() => applyJsonPatch(deployment(), [{ op: 'add', path: '/__proto__/polluted', value: true }]));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
