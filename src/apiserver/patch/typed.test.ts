import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, fieldPE, keyPE, pathString } from './fieldpath.js';
import type { JsonObject } from './json.js';
import { schemaFor } from './patch-meta.js';
import { TypedError, compareTyped, ensureNamedFieldsAreMembers, mergeTyped, removeItems, toFieldSet } from './typed.js';

const dep = schemaFor('apps/v1', 'Deployment');
const paths = (s: FieldSet) => s.paths().map(pathString);
const f = fieldPE;

const applied: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['x'] },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'nginx', image: 'nginx', args: ['-g', 'daemon off;'], ports: [{ containerPort: 80 }], resources: {} }],
        tolerations: [{ key: 'a', operator: 'Exists' }],
        nodeSelector: { disk: 'ssd' },
      },
    },
  },
};

test('toFieldSet: leaves, keyed items with ".", atomic lists/structs/maps as leaves, key defaults', () => {
  assert.deepEqual(paths(toFieldSet(applied, dep)), [
    '.apiVersion',
    '.kind',
    '.metadata.name',
    '.metadata.finalizers[="x"]',
    '.metadata.labels.app',
    '.spec.replicas',
    '.spec.selector',
    '.spec.template.metadata.labels.app',
    '.spec.template.spec.nodeSelector',
    '.spec.template.spec.tolerations',
    '.spec.template.spec.containers[name="nginx"]',
    '.spec.template.spec.containers[name="nginx"].args',
    '.spec.template.spec.containers[name="nginx"].image',
    '.spec.template.spec.containers[name="nginx"].name',
    '.spec.template.spec.containers[name="nginx"].resources',
    '.spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]',
    '.spec.template.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"].containerPort',
  ]);
});

test('toFieldSet: duplicates and keyless items are errors for an applied configuration', () => {
  const dup = { spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'a' }] } } } };
  assert.throws(() => toFieldSet(dup, dep), (e: unknown) => e instanceof TypedError && /\.spec\.template\.spec\.containers: duplicate entries for key \[name="a"\]/.test(e.message));
  const set = toFieldSet(dup, dep, { allowDuplicates: true });
  assert.deepEqual(paths(set), ['.spec.template.spec.containers[name="a"]']);
  assert.throws(() => toFieldSet({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, dep), /omits all key fields \["name"\]/);
});

test('mergeTyped: keyed lists merge by key, atomic lists and structs are replaced, maps merge', () => {
  const live: JsonObject = {
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web', old: 'x' } },
      template: {
        spec: {
          containers: [
            { name: 'sidecar', image: 'busybox' },
            { name: 'nginx', image: 'nginx:old', args: ['a'], env: [{ name: 'E', value: '1' }] },
          ],
          tolerations: [{ key: 'z' }],
        },
      },
    },
  };
  const config: JsonObject = {
    spec: { selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:new', args: ['b'] }], tolerations: [{ key: 'y' }] } } },
  };
  assert.deepEqual(mergeTyped(live, config, dep), {
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        spec: {
          containers: [
            { name: 'sidecar', image: 'busybox' },
            { name: 'nginx', image: 'nginx:new', args: ['b'], env: [{ name: 'E', value: '1' }] },
          ],
          tolerations: [{ key: 'y' }],
        },
      },
    },
  });
});

test('mergeTyped: applied order wins for shared items, live-only items are emitted where met', () => {
  const node = schemaFor('apps/v1', 'Deployment');
  const wrap = (names: string[]) => ({ spec: { template: { spec: { containers: names.map((name) => ({ name })) } } } });
  const merged = mergeTyped(wrap(['a', 'b', 'c', 'd']), wrap(['c', 'x', 'a']), node) as ReturnType<typeof wrap>;
  assert.deepEqual(merged.spec.template.spec.containers.map((c) => c.name), ['b', 'c', 'd', 'x', 'a']);
  const sets = mergeTyped({ metadata: { finalizers: ['a', 'b'] } }, { metadata: { finalizers: ['c', 'a'] } }, node) as { metadata: { finalizers: string[] } };
  assert.deepEqual(sets.metadata.finalizers, ['c', 'a', 'b']);
});

test('compareTyped: added, modified and removed paths', () => {
  const a: JsonObject = { metadata: { labels: { a: '1', b: '2' } }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'n', image: 'x' }] } } } };
  const b: JsonObject = { metadata: { labels: { a: '1', c: '3' } }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'n', image: 'x' }, { name: 'm', image: 'y' }] } } } };
  const c = compareTyped(a, b, dep);
  assert.deepEqual(paths(c.added), ['.metadata.labels.c', '.spec.template.spec.containers[name="m"]', '.spec.template.spec.containers[name="m"].image', '.spec.template.spec.containers[name="m"].name']);
  assert.deepEqual(paths(c.modified), ['.spec.replicas']);
  assert.deepEqual(paths(c.removed), ['.metadata.labels.b']);
});

test('compareTyped from an empty object: non-pointer structs are not added themselves, pointers and maps are', () => {
  const c = compareTyped({}, { metadata: { labels: { a: '1' } }, spec: { strategy: { rollingUpdate: { maxSurge: 1 } }, template: { spec: { containers: [{ name: 'n' }] } } } }, dep);
  assert.deepEqual(paths(c.added), [
    '.metadata.labels',
    '.metadata.labels.a',
    '.spec.strategy.rollingUpdate',
    '.spec.strategy.rollingUpdate.maxSurge',
    '.spec.template.spec.containers[name="n"]',
    '.spec.template.spec.containers[name="n"].name',
  ]);
});

test('removeItems drops members with their subtrees and empties', () => {
  const obj: JsonObject = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } }, strategy: { type: 'Recreate' } } };
  const set = FieldSet.of([f('spec'), f('replicas')], [f('spec'), f('template'), f('spec'), f('containers'), keyPE({ name: 'a' })], [f('spec'), f('strategy'), f('type')]);
  assert.deepEqual(removeItems(obj, set, dep), { spec: { template: { spec: { containers: [{ name: 'b', image: 'y' }] } } } });
  assert.deepEqual(obj.spec && (obj.spec as JsonObject).replicas, 1, 'input untouched');
});

test('ensureNamedFieldsAreMembers adds struct fields, not map keys or list items', () => {
  const s = FieldSet.of([f('metadata'), f('labels'), f('app')], [f('spec'), f('template'), f('spec'), f('containers'), keyPE({ name: 'a' }), f('image')]);
  assert.deepEqual(paths(ensureNamedFieldsAreMembers(s, dep)), [
    '.metadata',
    '.spec',
    '.metadata.labels',
    '.metadata.labels.app',
    '.spec.template',
    '.spec.template.spec',
    '.spec.template.spec.containers',
    '.spec.template.spec.containers[name="a"].image',
  ]);
});
