import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import { type PatchInput, applyPatch } from './apply-patch.js';

const now = new Date('2025-01-01T00:00:00Z');
const def = { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments' };

const stored = (): KubeObject & { spec: { replicas: number; template: { spec: { containers: { name: string; image: string }[] } } } } => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'u',
    resourceVersion: '3',
    managedFields: [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: '2024-12-31T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } },
      },
    ],
  },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } },
});

const input = (type: PatchInput['type'], patch: unknown, manager = 'kubectl-set'): PatchInput => ({
  type,
  current: stored(),
  patch,
  def,
  manager,
  force: false,
  apiVersion: 'apps/v1',
  namespace: 'default',
  name: 'web',
  now,
});

test('strategic merge patch from kubectl set image, recorded for its field manager', () => {
  const out = applyPatch(input('strategic', { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ image: 'nginx:1.26', name: 'nginx' }] } } } }));
  assert.equal((out as ReturnType<typeof stored>).spec.template.spec.containers[0].image, 'nginx:1.26');
  const set = out.metadata.managedFields?.find((e) => e.manager === 'kubectl-set');
  assert.deepEqual(set?.fieldsV1, { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { 'f:image': {} } } } } } });
  assert.equal(set?.time, '2025-01-01T00:00:00Z');
});

test('merge patch and json patch; no manager records nothing (scale)', () => {
  const merged = applyPatch(input('merge', { spec: { replicas: 5 } }, ''));
  assert.equal((merged as ReturnType<typeof stored>).spec.replicas, 5);
  assert.deepEqual(merged.metadata.managedFields, stored().metadata.managedFields);
  const jp = applyPatch(input('json', [{ op: 'replace', path: '/spec/replicas', value: 4 }], 'kubectl-patch'));
  assert.equal((jp as ReturnType<typeof stored>).spec.replicas, 4);
  assert.ok(jp.metadata.managedFields?.some((e) => e.manager === 'kubectl-patch'));
});

test('server-side apply conflicts surface as 409 and force resolves them', () => {
  const cfg = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } };
  assert.throws(
    () => applyPatch(input('apply', cfg, 'kubectl')),
    (err: unknown) => err instanceof StatusError && err.code === 409 && err.message.endsWith('conflict with "kubectl-create" using apps/v1: .spec.replicas'),
  );
  const out = applyPatch({ ...input('apply', cfg, 'kubectl'), force: true });
  assert.equal((out as ReturnType<typeof stored>).spec.replicas, 2);
});

test('a missing object: 404 for patches, created by apply', () => {
  assert.throws(
    () => applyPatch({ ...input('merge', { spec: {} }), current: null }),
    (err: unknown) => err instanceof StatusError && err.code === 404 && err.message === 'deployments.apps "web" not found',
  );
  const created = applyPatch({ ...input('apply', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 1 } }, 'kubectl'), current: null });
  assert.equal(created.metadata.managedFields?.[0].operation, 'Apply');
});
