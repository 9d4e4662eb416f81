import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../apimachinery/errors.js';
import type { JsonObject } from './json.js';
import { keyedList, schemaFor, setList, struct } from './patch-meta.js';
import { applyStrategicMergePatch as smp } from './strategic-merge-patch.js';

const deploymentSchema = schemaFor('apps/v1', 'Deployment');

const deployment = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a', 'b'] },
  spec: {
    replicas: 1,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'sidecar', image: 'busybox', env: [{ name: 'X', value: '1' }] },
          { name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
        ],
        tolerations: [{ key: 'k', operator: 'Exists' }],
      },
    },
  },
});

type PodSpecShape = { containers: JsonObject[]; tolerations?: JsonObject[]; volumes?: JsonObject[] };
const podSpec = (d: JsonObject): PodSpecShape => (d.spec as { template: { spec: PodSpecShape } }).template.spec;
const names = (items: JsonObject[]) => items.map((c) => c.name);

const statusOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return err.status;
  }
  assert.fail('expected an error');
};

test('kubectl set image: merges the container by name, keeps the others and the order', () => {
  const before = deployment();
  const out = smp(before, { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'nginx' }], containers: [{ image: 'nginx:1.26', name: 'nginx' }] } } } }, deploymentSchema);
  const spec = podSpec(out);
  assert.deepEqual(names(spec.containers), ['sidecar', 'nginx']);
  assert.equal(spec.containers[1].image, 'nginx:1.26');
  assert.deepEqual(spec.containers[1].ports, [{ containerPort: 80 }], 'other container fields stay');
  assert.equal(podSpec(before).containers[1].image, 'nginx:1.25', 'input untouched');
  assert.ok(!('$setElementOrder/containers' in spec));
});

test('kubectl apply patch: env merged by name with $setElementOrder, replicas and annotation set', () => {
  const patch = {
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
    spec: {
      replicas: 3,
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
          containers: [{ '$setElementOrder/env': [{ name: 'B' }, { name: 'A' }], env: [{ name: 'A', value: '9' }], image: 'nginx:1.27', name: 'nginx' }],
        },
      },
    },
  };
  const out = smp(deployment(), patch, deploymentSchema);
  const spec = podSpec(out);
  assert.deepEqual(names(spec.containers), ['nginx', 'sidecar'], '$setElementOrder reorders');
  assert.deepEqual(spec.containers[0].env, [{ name: 'B', value: '2' }, { name: 'A', value: '9' }]);
  assert.equal((out.spec as JsonObject).replicas, 3);
  assert.deepEqual((out.metadata as JsonObject).annotations, { 'kubectl.kubernetes.io/last-applied-configuration': '{}' });
  assert.deepEqual(spec.containers[1], podSpec(deployment()).containers[0]);
});

test('kubectl rollout restart: template annotation added, nothing else changes', () => {
  const out = smp(deployment(), { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } } } } }, deploymentSchema);
  const expected = deployment();
  ((expected.spec as JsonObject).template as { metadata: JsonObject }).metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' };
  assert.deepEqual(out, expected);
});

test('null deletes a key, at any depth', () => {
  const out = smp(deployment(), { metadata: { labels: { app: null } }, spec: { strategy: { rollingUpdate: null } } }, deploymentSchema);
  assert.deepEqual((out.metadata as JsonObject).labels, {});
  assert.deepEqual((out.spec as JsonObject).strategy, { type: 'RollingUpdate' });
});

test('$patch: delete removes a list item by merge key; $patch: replace replaces the list', () => {
  let out = smp(deployment(), { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } }, deploymentSchema);
  assert.deepEqual(names(podSpec(out).containers), ['nginx']);
  out = smp(deployment(), { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x', env: [{ name: 'Q', value: null }] }] } } } }, deploymentSchema);
  assert.deepEqual(podSpec(out).containers, [{ name: 'only', image: 'x', env: [{ name: 'Q' }] }]);
});

test('$patch: replace and $patch: delete on objects', () => {
  let out = smp(deployment(), { spec: { strategy: { $patch: 'replace', type: 'Recreate' } } }, deploymentSchema);
  assert.deepEqual((out.spec as JsonObject).strategy, { type: 'Recreate' });
  out = smp(deployment(), { metadata: { labels: { $patch: 'delete' } } }, deploymentSchema);
  assert.deepEqual((out.metadata as JsonObject).labels, {});
});

test('$retainKeys clears the keys it does not list (Deployment strategy switch)', () => {
  const out = smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deploymentSchema);
  assert.deepEqual((out.spec as JsonObject).strategy, { type: 'Recreate' });
  const status = statusOf(() => smp(deployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, deploymentSchema));
  assert.equal(status.code, 400);
  assert.equal(status.message, 'invalid patch format of retainKeys');
  assert.equal(statusOf(() => smp(deployment(), { spec: { strategy: { $retainKeys: 'type' } } }, deploymentSchema)).code, 400);
});

test('finalizers merge as a set; $deleteFromPrimitiveList removes items', () => {
  let out = smp(deployment(), { metadata: { finalizers: ['b', 'c'] } }, deploymentSchema);
  assert.deepEqual((out.metadata as JsonObject).finalizers, ['a', 'b', 'c']);
  out = smp(deployment(), { metadata: { finalizers: ['c'] } }, deploymentSchema);
  assert.deepEqual((out.metadata as JsonObject).finalizers, ['c', 'a', 'b'], 'items new to the list come before server-only items (strategicpatch order rules)');
  out = smp(deployment(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a', 'zzz'] } }, deploymentSchema);
  assert.deepEqual((out.metadata as JsonObject).finalizers, ['b']);
  out = smp({ metadata: {} }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, deploymentSchema);
  assert.deepEqual(out, { metadata: {} }, 'a deletion list never creates the list');
  const status = statusOf(() => smp(deployment(), { metadata: { $deleteFromPrimitiveList: ['a'] } }, deploymentSchema));
  assert.equal(status.code, 400);
  assert.equal(status.message, 'invalid patch format of primitive list');
});

test('lists without patch metadata are replaced (tolerations, unknown fields); unknown objects merge', () => {
  const out = smp(
    { ...deployment(), extra: { a: 1, list: [1, 2] } },
    { spec: { template: { spec: { tolerations: [{ key: 'other', operator: 'Exists' }] } } }, extra: { b: 2, list: [3] } },
    deploymentSchema,
  );
  assert.deepEqual(podSpec(out).tolerations, [{ key: 'other', operator: 'Exists' }]);
  assert.deepEqual(out.extra, { a: 1, b: 2, list: [3] });
});

test('container ports merge by containerPort, Service ports by port', () => {
  let out = smp(deployment(), { spec: { template: { spec: { containers: [{ name: 'nginx', ports: [{ containerPort: 443, name: 'https' }, { containerPort: 80, name: 'http' }] }] } } } }, deploymentSchema);
  assert.deepEqual(podSpec(out).containers[1].ports, [{ containerPort: 443, name: 'https' }, { containerPort: 80, name: 'http' }]);
  const svc: JsonObject = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }], selector: { app: 'a', tier: 'x' } } };
  out = smp(svc, { spec: { ports: [{ port: 80, targetPort: 9090 }], selector: { tier: null } } }, schemaFor('v1', 'Service'));
  assert.deepEqual(out.spec, { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }], selector: { app: 'a' } });
});

test('new list items and new keys arrive without directives or nulls', () => {
  const out = smp(
    { spec: { template: { spec: { containers: [{ name: 'a', image: 'a' }] } } } },
    {
      spec: {
        template: {
          metadata: { labels: { x: '1', y: null } },
          spec: {
            containers: [{ name: 'b', image: 'b', '$setElementOrder/env': [{ name: 'E' }], env: [{ name: 'E', value: '1' }], stdin: null }],
            volumes: [{ name: 'v', emptyDir: {} }, { name: 'gone', $patch: 'delete' }],
          },
        },
      },
    },
    deploymentSchema,
  );
  const spec = podSpec(out);
  assert.deepEqual(spec.containers, [{ name: 'b', image: 'b', env: [{ name: 'E', value: '1' }] }, { name: 'a', image: 'a' }]);
  assert.deepEqual(spec.volumes, [{ name: 'v', emptyDir: {} }]);
  assert.deepEqual(((out.spec as JsonObject).template as JsonObject).metadata, { labels: { x: '1' } });
});

test('PodDisruptionBudget selector has patchStrategy=replace', () => {
  const pdb = { spec: { selector: { matchLabels: { a: '1' } }, minAvailable: 1 } };
  const out = smp(pdb, { spec: { selector: { matchLabels: { b: '2' } } } }, schemaFor('policy/v1', 'PodDisruptionBudget'));
  assert.deepEqual(out.spec, { selector: { matchLabels: { b: '2' } }, minAvailable: 1 });
  const dep = smp({ spec: { selector: { matchLabels: { a: '1' } } } }, { spec: { selector: { matchLabels: { b: '2' } } } }, deploymentSchema);
  assert.deepEqual(dep.spec, { selector: { matchLabels: { a: '1', b: '2' } } }, 'a Deployment selector merges');
});

// Order cases from the upstream strategicpatch test table, on a generic merging list.
const listSchema = struct({ mergingList: keyedList('name', undefined), mergingIntList: setList(true) });

test('order: $setElementOrder with server-only items keeps them where they were', () => {
  const current: JsonObject = { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2 }, { name: 7 }, { name: 9 }, { name: 8 }, { name: 3, value: 3 }, { name: 4, value: 4 }] };
  const out = smp(current, { '$setElementOrder/mergingList': [{ name: 2 }, { name: 1 }, { name: 4 }, { name: 3 }] }, listSchema);
  assert.deepEqual((out.mergingList as JsonObject[]).map((i) => i.name), [2, 1, 7, 9, 8, 4, 3]);
  const out2 = smp(
    { mergingList: [{ name: 1, other: 'a' }, { name: 3, value: 3 }, { name: 4, value: 4 }, { name: 2, value: 2 }, { name: 9 }] },
    { '$setElementOrder/mergingList': [{ name: 4 }, { name: 2 }, { name: 3 }, { name: 1 }] },
    listSchema,
  );
  assert.deepEqual((out2.mergingList as JsonObject[]).map((i) => i.name), [4, 2, 3, 1, 9]);
});

test('order: merge lists of maps and of scalars with $setElementOrder', () => {
  const out = smp(
    { mergingList: [{ name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }] },
    { '$setElementOrder/mergingList': [{ name: 4 }, { name: 1 }, { name: 2 }, { name: 3 }], mergingList: [{ name: 4, value: 4 }, { name: 3, value: 3 }] },
    listSchema,
  );
  assert.deepEqual(out.mergingList, [{ name: 4, value: 4 }, { name: 1, other: 'a' }, { name: 2, value: 2, other: 'b' }, { name: 3, value: 3 }]);
  const ints = smp({ mergingIntList: [1, 2, 4] }, { '$setElementOrder/mergingIntList': [1, 2, 3], mergingIntList: [3] }, listSchema);
  assert.deepEqual(ints.mergingIntList, [1, 2, 3, 4]);
  const ints2 = smp({ mergingIntList: [1, 4, 2] }, { '$setElementOrder/mergingIntList': [3, 1, 2], mergingIntList: [3] }, listSchema);
  assert.deepEqual(ints2.mergingIntList, [3, 1, 4, 2]);
  const nested = smp({ mergingList: [{ name: 'hello2' }] }, { '$setElementOrder/mergingList': [{ name: 'hello' }, { name: 'doesntexist' }], mergingList: [{ name: 'hello' }] }, listSchema);
  assert.deepEqual(nested.mergingList, [{ name: 'hello' }, { name: 'hello2' }]);
});

test('errors: missing merge key is an unwrapped 500 with the Go message', () => {
  const status = statusOf(() => smp(deployment(), { spec: { template: { spec: { containers: [{ image: 'nginx' }] } } } }, deploymentSchema));
  assert.equal(status.code, 500);
  assert.equal(status.reason, undefined);
  assert.equal(status.message, 'map: map[image:nginx] does not contain declared merge key: name');
});

test('errors: unknown $patch values, $patch: merge, and order mismatches', () => {
  let status = statusOf(() => smp(deployment(), { spec: { $patch: 'merge' } }, deploymentSchema));
  assert.equal(status.code, 500);
  assert.match(status.message ?? '', /^unknown patch type: merge in map: map\[\$patch:merge\]$/);
  status = statusOf(() => smp(deployment(), { spec: { template: { spec: { containers: [{ name: 'x', $patch: 'merge' }] } } } }, deploymentSchema));
  assert.equal(status.message, 'merging lists cannot yet be specified in the patch');
  status = statusOf(() =>
    smp(deployment(), { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'nginx' }], containers: [{ name: 'sidecar', image: 'x' }] } } } }, deploymentSchema),
  );
  assert.equal(status.code, 500);
  assert.match(status.message ?? '', /^The order in patch list:\n\[map\[image:x name:sidecar\]\]\n doesn't match \$setElementOrder list:\n\[map\[name:nginx\]\]\n$/);
});

test('errors: lists of lists are the fixed 422; mixed lists and non-object patches', () => {
  let status = statusOf(() => smp({ metadata: { finalizers: [['a']] } }, { metadata: { finalizers: [['b']] } }, deploymentSchema));
  assert.equal(status.code, 422);
  assert.equal(status.message, 'the server rejected our request due to an error in our request');
  status = statusOf(() => smp({ metadata: { finalizers: ['a'] } }, { metadata: { finalizers: [1] } }, deploymentSchema));
  assert.equal(status.code, 500);
  assert.match(status.message ?? '', /^list element types are not identical/);
  status = statusOf(() => smp(deployment(), [1], deploymentSchema));
  assert.equal(status.code, 400);
  assert.equal(status.message, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  assert.deepEqual(smp(deployment(), null, deploymentSchema), deployment());
});

test('Node podCIDRs merge as a set; conditions merge by type', () => {
  const node = { spec: { podCIDRs: ['10.0.0.0/24'] }, status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'DiskPressure', status: 'False' }] } };
  const out = smp(node, { spec: { podCIDRs: ['fd00::/64'] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }, schemaFor('v1', 'Node'));
  assert.deepEqual(out, {
    spec: { podCIDRs: ['fd00::/64', '10.0.0.0/24'] },
    status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'DiskPressure', status: 'False' }] },
  });
});
