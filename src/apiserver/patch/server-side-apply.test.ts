import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../apimachinery/errors.js';
import type { KubeObject, ManagedFieldsEntry } from '../../apimachinery/meta.js';
import { FieldSet, fieldPE, pathString } from './fieldpath.js';
import { updateManagedFields } from './managed-fields.js';
import { LAST_APPLIED_ANNOTATION, type ApplyOptions, applyServerSide } from './server-side-apply.js';

const t0 = new Date('2025-01-01T00:00:00Z');
const t1 = new Date('2025-01-01T00:05:00Z');

type Dep = KubeObject & { spec: { replicas?: number; template: { spec: { containers: { name: string; image?: string; [k: string]: unknown }[] } } } };

const config = (replicas: number | undefined, containers: { name: string; image: string }[] = [{ name: 'nginx', image: 'nginx:1.27' }]): Dep => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: {
    ...(replicas === undefined ? {} : { replicas }),
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
  } as Dep['spec'],
});

const apply = (live: KubeObject | null, cfg: unknown, manager = 'kubectl', extra: Partial<ApplyOptions> = {}) =>
  applyServerSide({ live, config: cfg, manager, force: false, apiVersion: 'apps/v1', kind: 'Deployment', now: t0, ...extra });

/** What the registry does after a write: identity metadata. */
const persist = (obj: KubeObject): Dep => ({ ...structuredClone(obj), metadata: { ...structuredClone(obj.metadata), uid: 'uid-1', resourceVersion: '10' } }) as Dep;

const mf = (obj: KubeObject, manager: string): ManagedFieldsEntry | undefined => obj.metadata.managedFields?.find((e) => e.manager === manager);
const owned = (obj: KubeObject, manager: string) => FieldSet.fromFieldsV1(mf(obj, manager)?.fieldsV1 ?? {});
const replicasPath = [fieldPE('spec'), fieldPE('replicas')];

const statusOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return err.status;
  }
  assert.fail('expected an error');
};

test('apply creates: the object is the configuration, owned by the applier', () => {
  const { object, changed } = apply(null, config(2));
  assert.ok(changed);
  assert.equal((object as Dep).spec.replicas, 2);
  assert.deepEqual(object.metadata.managedFields, [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: '2025-01-01T00:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
          },
        },
      },
    },
  ]);
});

test('re-applying the same configuration changes nothing and keeps the time', () => {
  const live = persist(apply(null, config(2)).object);
  const again = applyServerSide({ live, config: config(2), manager: 'kubectl', force: false, apiVersion: 'apps/v1', kind: 'Deployment', now: t1 });
  assert.equal(again.changed, false);
  assert.deepEqual(again.object, live);
});

test('a field owned by another manager with a different value is a 409 naming manager and path', () => {
  const created = persist(updateManagedFields(null, config(1), 'kubectl-client-side-apply', 'apps/v1', 'Update', { now: t0 }));
  const status = statusOf(() => apply(created, config(3), 'kubectl-ssa'));
  assert.deepEqual(status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    reason: 'Conflict',
    details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] },
    code: 409,
  });
});

test('several conflicts are grouped by manager', () => {
  let live = persist(updateManagedFields(null, config(1), 'creator', 'apps/v1', 'Update', { now: t0 }));
  const next = structuredClone(live);
  next.spec.template.spec.containers[0].image = 'nginx:other';
  live = persist(updateManagedFields(live, next, 'imager', 'apps/v1', 'Update', { now: t1 }));
  const status = statusOf(() => apply(live, config(5), 'ssa'));
  assert.equal(
    status.message,
    'Apply failed with 2 conflicts: conflicts with "creator" using apps/v1:\n- .spec.replicas\nconflicts with "imager" using apps/v1:\n- .spec.template.spec.containers[name="nginx"].image',
  );
  assert.deepEqual(status.details?.causes?.map((c) => c.field), ['.spec.replicas', '.spec.template.spec.containers[name="nginx"].image']);
});

test('force takes ownership from the other manager', () => {
  const created = persist(updateManagedFields(null, config(1), 'kubectl-client-side-apply', 'apps/v1', 'Update', { now: t0 }));
  const { object } = apply(created, config(3), 'ssa', { force: true });
  assert.equal((object as Dep).spec.replicas, 3);
  assert.ok(owned(object, 'ssa').has(replicasPath));
  assert.ok(!owned(object, 'kubectl-client-side-apply').has(replicasPath));
  assert.ok(owned(object, 'kubectl-client-side-apply').has([fieldPE('spec'), fieldPE('selector')]), 'unchanged fields stay shared');
});

test('applying the same value shares ownership without a conflict', () => {
  const created = persist(updateManagedFields(null, config(1), 'creator', 'apps/v1', 'Update', { now: t0 }));
  const { object, changed } = apply(created, config(1), 'ssa');
  assert.equal(changed, false);
  assert.ok(owned(object, 'ssa').has(replicasPath));
  assert.ok(owned(object, 'creator').has(replicasPath));
});

test('fields dropped from the configuration are removed unless someone else owns them', () => {
  const live = persist(apply(null, config(2, [{ name: 'nginx', image: 'nginx' }, { name: 'side', image: 'busybox' }])).object);
  const out = apply(live, config(undefined, [{ name: 'nginx', image: 'nginx' }])).object as Dep;
  assert.equal(out.spec.replicas, undefined, 'replicas pruned');
  assert.deepEqual(out.spec.template.spec.containers.map((c) => c.name), ['nginx'], 'container pruned');
  assert.ok(!owned(out, 'kubectl').has(replicasPath));

  // Another applier also sets replicas: dropping it from kubectl's configuration keeps it.
  const shared = persist(apply(live, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2 } }, 'hpa').object);
  const kept = apply(shared, config(undefined, [{ name: 'nginx', image: 'nginx' }, { name: 'side', image: 'busybox' }])).object as Dep;
  assert.equal(kept.spec.replicas, 2);
  assert.ok(owned(kept, 'hpa').has(replicasPath));
});

test('two appliers own their own items of a keyed list', () => {
  const a = persist(apply(null, config(1, [{ name: 'a', image: 'a' }]), 'team-a').object);
  const b = persist(apply(a, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'b', image: 'b' }] } } } }, 'team-b').object);
  assert.deepEqual((b as Dep).spec.template.spec.containers.map((c) => c.name), ['a', 'b']);
  const aDropsItsOwn = apply(b, config(1, []), 'team-a').object as Dep;
  assert.deepEqual(aDropsItsOwn.spec.template.spec.containers.map((c) => c.name), ['b']);
});

test('an object without managedFields belongs to "before-first-apply" until applied over', () => {
  const untracked = persist(config(1));
  const status = statusOf(() => apply(untracked, config(4), 'ssa'));
  assert.equal(status.message, 'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas');
  const { object } = apply(untracked, config(1), 'ssa');
  assert.ok(mf(object, 'before-first-apply'), 'the existing fields got an owner');
  assert.ok(owned(object, 'ssa').has(replicasPath));
});

test('kubectl migrating from client-side apply: fields still matching last-applied are taken over', () => {
  const csa = config(1);
  csa.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: JSON.stringify(config(1)) };
  const live = persist(updateManagedFields(null, csa, 'kubectl-client-side-apply', 'apps/v1', 'Update', { now: t0 }));
  const cfg = config(3);
  cfg.metadata.annotations = { [LAST_APPLIED_ANNOTATION]: JSON.stringify(config(1)) };
  const { object } = apply(live, cfg, 'kubectl');
  assert.equal((object as Dep).spec.replicas, 3);
  assert.ok(!owned(object, 'kubectl-client-side-apply').has(replicasPath));
  const annotation = object.metadata.annotations?.[LAST_APPLIED_ANNOTATION] ?? '';
  assert.ok(annotation.endsWith('\n'));
  assert.equal(JSON.parse(annotation).spec.replicas, 3, 'the annotation follows the applied configuration');
  assert.ok(!annotation.includes(LAST_APPLIED_ANNOTATION), 'without itself');

  // Someone else changed replicas since the last client-side apply: a real conflict remains.
  const scaled = structuredClone(live);
  scaled.spec.replicas = 7;
  const moved = persist(updateManagedFields(live, scaled, 'hpa', 'apps/v1', 'Update', { now: t1 }));
  assert.equal(statusOf(() => apply(moved, cfg, 'kubectl')).code, 409);
  assert.equal(statusOf(() => apply(live, cfg, 'not-kubectl')).code, 409, 'only manager "kubectl" migrates');
});

test('bad configurations: not an object, wrong kind, managedFields set, duplicate keys', () => {
  let status = statusOf(() => apply(null, [1]));
  assert.equal(status.code, 400);
  assert.equal(status.message, 'error decoding YAML: json: cannot unmarshal array into Go value of type map[string]interface {}');
  status = statusOf(() => apply(null, { ...config(1), kind: 'StatefulSet' }));
  assert.equal(status.message, 'invalid object type: apps/v1, Kind=StatefulSet');
  status = statusOf(() => apply(null, { ...config(1), apiVersion: 'v1' }));
  assert.equal(status.message, 'invalid object type: /v1, Kind=Deployment');
  const withMF = config(1);
  withMF.metadata.managedFields = [];
  status = statusOf(() => apply(null, withMF));
  assert.equal(status.message, 'metadata.managedFields must be nil');
  status = statusOf(() => apply(null, config(1, [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }])));
  assert.equal(status.code, 500);
  assert.equal(status.message, 'failed to create typed patch object (/web; apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="a"]');
});

test('ignoredFields: status in a configuration for the main resource is not owned', () => {
  const cfg = { ...config(1), status: { replicas: 9 } };
  const { object } = apply(null, cfg, 'kubectl', { ignoredFields: FieldSet.of([fieldPE('status')]) });
  assert.ok(!owned(object, 'kubectl').paths().some((p) => pathString(p).startsWith('.status')));
});

test('a core/v1 ConfigMap: data keys are owned one by one and pruned', () => {
  const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data });
  const opts = { manager: 'kubectl', force: false, apiVersion: 'v1', kind: 'ConfigMap', now: t0 };
  const first = persist(applyServerSide({ ...opts, live: null, config: cm({ a: '1', b: '2' }) }).object);
  assert.deepEqual(mf(first, 'kubectl')?.fieldsV1, { 'f:data': { 'f:a': {}, 'f:b': {} } });
  const second = applyServerSide({ ...opts, live: first, config: cm({ a: '1' }) }).object;
  assert.deepEqual((second as KubeObject & { data: unknown }).data, { a: '1' });
});
