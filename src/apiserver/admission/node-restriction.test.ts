import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import { nodes } from '../registry/core/nodes/storage.js';
import { pods } from '../registry/core/pods/storage.js';
import { leases } from '../registry/coordination/leases/storage.js';
import type { ResourceDefinition } from '../registry/generic/resource.js';
import type { AdmissionAttributes, AdmissionOperation } from './admission.js';
import { nodeRestriction } from './node-restriction.js';

const plugin = nodeRestriction();
const n1 = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const obj = (kind: string, name: string, extra: Partial<KubeObject> = {}): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name }, ...extra });

function run(def: ResourceDefinition, operation: AdmissionOperation, object: KubeObject | null, oldObject: KubeObject | null, subresource = '', namespace = 'default', user = n1): void {
  const attrs: AdmissionAttributes = { operation, def: def as unknown as ResourceDefinition, object, oldObject, subresource, ctx: { user, namespace, dryRun: false } };
  void plugin.validate!(attrs);
}
const refused = (fn: () => void, message: RegExp): void => assert.throws(fn, (err: StatusError) => err.code === 403 && message.test(err.message));

test('pods: status and deletion only for pods bound to the node; creation only of mirror pods', () => {
  const mine = obj('Pod', 'a', { spec: { nodeName: 'n1' } });
  const theirs = obj('Pod', 'b', { spec: { nodeName: 'n2' } });
  run(pods as ResourceDefinition, 'UPDATE', mine, mine, 'status');
  refused(() => run(pods as ResourceDefinition, 'UPDATE', theirs, theirs, 'status'), /node "n1" can only update pod status for pods with spec.nodeName set to itself/);
  run(pods as ResourceDefinition, 'DELETE', null, mine);
  refused(() => run(pods as ResourceDefinition, 'DELETE', null, theirs), /can only delete pods with spec.nodeName set to itself/);
  refused(() => run(pods as ResourceDefinition, 'CREATE', mine, null), /can only create mirror pods/);
  run(pods as ResourceDefinition, 'CREATE', obj('Pod', 'm', { metadata: { name: 'm', annotations: { 'kubernetes.io/config.mirror': 'x' } }, spec: { nodeName: 'n1' } }), null);
  refused(() => run(pods as ResourceDefinition, 'UPDATE', mine, mine), /can only create and delete mirror pods/);
  run(pods as ResourceDefinition, 'UPDATE', theirs, theirs, '', 'default', { name: 'jane', groups: [] }); // not a node: not judged
});

test('nodes and leases: only its own; restricted labels stay', () => {
  run(nodes as ResourceDefinition, 'UPDATE', obj('Node', 'n1'), obj('Node', 'n1'), 'status', '');
  refused(() => run(nodes as ResourceDefinition, 'UPDATE', obj('Node', 'n2'), obj('Node', 'n2'), '', ''), /node "n1" is not allowed to modify node "n2"/);
  const labelled = obj('Node', 'n1', { metadata: { name: 'n1', labels: { 'node-restriction.kubernetes.io/tier': 'gold' } } });
  refused(() => run(nodes as ResourceDefinition, 'UPDATE', labelled, obj('Node', 'n1'), '', ''), /not allowed to modify labels: node-restriction.kubernetes.io\/tier/);
  run(leases as ResourceDefinition, 'CREATE', obj('Lease', 'n1'), null, '', 'kube-node-lease');
  refused(() => run(leases as ResourceDefinition, 'CREATE', obj('Lease', 'n2'), null, '', 'kube-node-lease'), /same name as the requesting node/);
});
