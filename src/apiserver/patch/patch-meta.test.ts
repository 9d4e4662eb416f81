import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ListNode, type SchemaNode, fieldSchema, hasSchemaFor, itemSchema, schemaFor } from './patch-meta.js';

/** Follows field names; '[]' steps into list items. */
function at(node: SchemaNode | undefined, path: string): SchemaNode | undefined {
  for (const part of path.split('.')) node = part === '[]' ? itemSchema(node) : fieldSchema(node, part);
  return node;
}

const list = (node: SchemaNode | undefined): ListNode => {
  assert.equal(node?.type, 'list');
  return node as ListNode;
};

const podSpecPaths: [string, string][] = [
  ['apps/v1/Deployment', 'spec.template.spec'],
  ['apps/v1/StatefulSet', 'spec.template.spec'],
  ['apps/v1/DaemonSet', 'spec.template.spec'],
  ['apps/v1/ReplicaSet', 'spec.template.spec'],
  ['batch/v1/Job', 'spec.template.spec'],
  ['batch/v1/CronJob', 'spec.jobTemplate.spec.template.spec'],
  ['v1/PodTemplate', 'template.spec'],
  ['v1/ReplicationController', 'spec.template.spec'],
];

const schemaOf = (gvk: string) => {
  const kind = gvk.slice(gvk.lastIndexOf('/') + 1);
  return schemaFor(gvk.slice(0, gvk.lastIndexOf('/')), kind);
};

test('every workload embeds the same PodSpec as Pod', () => {
  const fieldsOf = (n: SchemaNode | undefined) => (n?.type === 'struct' ? n.fields : undefined);
  const pod = fieldsOf(at(schemaFor('v1', 'Pod'), 'spec'));
  assert.ok(pod?.containers);
  for (const [gvk, path] of podSpecPaths) assert.equal(fieldsOf(at(schemaOf(gvk), path)), pod, gvk);
});

test('PodSpec lists: merge keys (SMP) and list-map keys (apply) from the Go struct tags', () => {
  const spec = schemaFor('v1', 'Pod');
  const expect: [string, string | undefined, string[] | undefined][] = [
    ['spec.containers', 'name', ['name']],
    ['spec.initContainers', 'name', ['name']],
    ['spec.ephemeralContainers', 'name', ['name']],
    ['spec.volumes', 'name', ['name']],
    ['spec.imagePullSecrets', 'name', ['name']],
    ['spec.hostAliases', 'ip', ['ip']],
    ['spec.topologySpreadConstraints', 'topologyKey', ['topologyKey', 'whenUnsatisfiable']],
    ['spec.schedulingGates', 'name', ['name']],
    ['spec.resourceClaims', 'name', ['name']],
    ['spec.containers.[].ports', 'containerPort', ['containerPort', 'protocol']],
    ['spec.containers.[].env', 'name', ['name']],
    ['spec.containers.[].volumeMounts', 'mountPath', ['mountPath']],
    ['spec.containers.[].volumeDevices', 'devicePath', ['devicePath']],
    ['spec.ephemeralContainers.[].env', 'name', ['name']],
    ['status.conditions', 'type', ['type']],
    ['status.podIPs', 'ip', ['ip']],
    ['metadata.ownerReferences', 'uid', ['uid']],
  ];
  for (const [path, mergeKey, mapKeys] of expect) {
    const l = list(at(spec, path));
    assert.equal(l.patchStrategy, 'merge', path);
    assert.equal(l.patchMergeKey, mergeKey, path);
    assert.equal(l.listType, 'map', path);
    assert.deepEqual(l.listMapKeys, mapKeys, path);
  }
  assert.deepEqual(list(at(spec, 'spec.containers.[].ports')).keyDefaults, { protocol: 'TCP' });
  assert.equal(list(at(spec, 'spec.volumes')).retainKeys, true);
  assert.equal(list(at(spec, 'status.hostIPs')).listType, 'atomic', 'hostIPs: SMP merge by ip, atomic for apply');
  assert.equal(list(at(spec, 'status.hostIPs')).patchMergeKey, 'ip');
});

test('fields without metadata: tolerations, command and args are replaced / atomic', () => {
  const spec = schemaFor('v1', 'Pod');
  for (const path of ['spec.tolerations', 'spec.containers.[].args', 'spec.containers.[].command', 'spec.readinessGates']) {
    const node = at(spec, path);
    assert.ok(node === undefined || (node.type === 'list' && node.listType === 'atomic' && node.patchStrategy === undefined), path);
  }
  assert.equal(at(spec, 'spec.nodeSelector')?.type, 'map');
  assert.equal((at(spec, 'spec.nodeSelector') as { atomic?: boolean }).atomic, true);
});

test('metadata: finalizers are a merged set, labels and annotations maps', () => {
  const meta = at(schemaFor('v1', 'ConfigMap'), 'metadata');
  const fin = list(fieldSchema(meta, 'finalizers'));
  assert.equal(fin.listType, 'set');
  assert.equal(fin.patchStrategy, 'merge');
  assert.equal(fin.patchMergeKey, undefined);
  assert.equal(fieldSchema(meta, 'labels')?.type, 'map');
  assert.equal(fieldSchema(meta, 'annotations')?.type, 'map');
  assert.equal(fieldSchema(meta, 'managedFields')?.type, 'list');
});

test('kind-specific lists: Service ports, Node addresses and podCIDRs, ServiceAccount secrets, Job conditions', () => {
  const ports = list(at(schemaFor('v1', 'Service'), 'spec.ports'));
  assert.equal(ports.patchMergeKey, 'port');
  assert.deepEqual(ports.listMapKeys, ['port', 'protocol']);
  assert.deepEqual(ports.keyDefaults, { protocol: 'TCP' });
  assert.equal(list(at(schemaFor('v1', 'Node'), 'status.addresses')).patchMergeKey, 'type');
  assert.equal(list(at(schemaFor('v1', 'Node'), 'spec.podCIDRs')).listType, 'set');
  assert.equal(list(at(schemaFor('v1', 'ServiceAccount'), 'secrets')).patchMergeKey, 'name');
  const saPull = list(at(schemaFor('v1', 'ServiceAccount'), 'imagePullSecrets'));
  assert.equal(saPull.listType, 'atomic');
  assert.equal(saPull.patchStrategy, undefined, 'ServiceAccount.imagePullSecrets has no patch strategy');
  const jobConditions = list(at(schemaFor('batch/v1', 'Job'), 'status.conditions'));
  assert.equal(jobConditions.patchMergeKey, 'type');
  assert.equal(jobConditions.listType, 'atomic');
  for (const [gv, kind] of [['apps/v1', 'Deployment'], ['apps/v1', 'StatefulSet'], ['v1', 'Namespace'], ['policy/v1', 'PodDisruptionBudget'], ['autoscaling/v2', 'HorizontalPodAutoscaler']]) {
    assert.equal(list(at(schemaFor(gv, kind), 'status.conditions')).patchMergeKey, 'type', kind);
  }
});

test('atomic structs for apply: selectors, references; PDB selector is replaced by SMP', () => {
  const atomic = (n: SchemaNode | undefined) => n?.type === 'struct' && n.atomic === true;
  assert.ok(atomic(at(schemaFor('apps/v1', 'Deployment'), 'spec.selector')));
  assert.ok(atomic(at(schemaFor('rbac.authorization.k8s.io/v1', 'RoleBinding'), 'roleRef')));
  assert.ok(atomic(at(schemaFor('v1', 'Pod'), 'spec.containers.[].env.[].valueFrom.secretKeyRef')));
  assert.ok(!atomic(at(schemaFor('v1', 'PersistentVolume'), 'spec.claimRef')), 'PV claimRef is granular');
  const pdbSelector = at(schemaFor('policy/v1', 'PodDisruptionBudget'), 'spec.selector');
  assert.equal(pdbSelector?.type === 'struct' && pdbSelector.patchStrategy, 'replace');
  const strategy = at(schemaFor('apps/v1', 'Deployment'), 'spec.strategy');
  assert.equal(strategy?.type === 'struct' && strategy.patchStrategy, 'retainKeys');
});

test('unknown kinds get ObjectMeta only', () => {
  assert.equal(hasSchemaFor('example.com/v1', 'Widget'), false);
  assert.equal(hasSchemaFor('apps/v1', 'Deployment'), true);
  const generic = schemaFor('example.com/v1', 'Widget');
  assert.equal(list(at(generic, 'metadata.ownerReferences')).patchMergeKey, 'uid');
  assert.equal(at(generic, 'spec'), undefined);
});
