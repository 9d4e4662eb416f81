import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../apimachinery/meta.js';
import type { AuthorizationAttributes } from '../authorizer.js';
import { NodeAuthorizer, nodeIdentity } from './node-authorizer.js';
import { NodeGraph } from './node-graph.js';

const pod = (name: string, nodeName: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName, ...spec },
});
const pods = [
  pod('web', 'n1', {
    serviceAccountName: 'web-sa',
    imagePullSecrets: [{ name: 'pull' }],
    containers: [{ name: 'c', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'a' } } }], envFrom: [{ configMapRef: { name: 'env-cm' } }] }],
    volumes: [
      { name: 'v1', secret: { secretName: 'vol-secret' } },
      { name: 'v2', projected: { sources: [{ configMap: { name: 'kube-root-ca.crt' } }] } },
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
    ],
  }),
  pod('other', 'n2', { volumes: [{ name: 'v', secret: { secretName: 'n2-secret' } }] }),
];
const claims: Record<string, KubeObject> = { 'default/data': { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { volumeName: 'pv-1' } } };
const graph = new NodeGraph({
  podsOnNode: async (n) => pods.filter((p) => (p.spec as { nodeName: string }).nodeName === n),
  claim: async (ns, name) => claims[`${ns}/${name}`] ?? null,
});
const authz = new NodeAuthorizer(graph);
const n1 = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };

function attrs(verb: string, resource: string, name: string, more: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes {
  return { user: n1, verb, isResourceRequest: true, namespace: 'default', apiGroup: '', apiVersion: 'v1', resource, subresource: '', name, path: '', ...more };
}
const decide = async (a: AuthorizationAttributes): Promise<string> => (await authz.authorize(a)).decision;

test('only nodes are judged', async () => {
  assert.equal(nodeIdentity({ name: 'system:node:n1', groups: ['system:nodes'] }), 'n1');
  assert.equal(nodeIdentity({ name: 'system:node:n1', groups: [] }), undefined, 'the group is needed too');
  assert.equal(await decide(attrs('get', 'secrets', 'anything', { user: { name: 'jane', groups: [] } })), 'noOpinion');
});

test('secrets, config maps, claims and volumes: only those of pods bound to the node', async () => {
  for (const s of ['pull', 'env-secret', 'vol-secret']) assert.equal(await decide(attrs('get', 'secrets', s)), 'allow', s);
  assert.equal(await decide(attrs('get', 'configmaps', 'env-cm')), 'allow');
  assert.equal(await decide(attrs('get', 'configmaps', 'kube-root-ca.crt')), 'allow');
  assert.equal(await decide(attrs('get', 'persistentvolumeclaims', 'data')), 'allow');
  assert.equal(await decide(attrs('get', 'persistentvolumes', 'pv-1', { namespace: '' })), 'allow');
  const other = await authz.authorize(attrs('get', 'secrets', 'n2-secret'));
  assert.deepEqual(other, { decision: 'deny', reason: "no relationship found between node 'n1' and this object" });
  assert.equal(await decide(attrs('get', 'secrets', 'vol-secret', { namespace: 'kube-system' })), 'deny', 'same name, another namespace');
  assert.equal((await authz.authorize(attrs('list', 'secrets', ''))).reason, 'can only get individual resources of this type');
  assert.equal(await decide(attrs('create', 'serviceaccounts', 'web-sa', { subresource: 'token' })), 'allow');
  assert.equal(await decide(attrs('create', 'serviceaccounts', 'default', { subresource: 'token' })), 'deny');
});

test('leases: its own, in kube-node-lease; the rest by the system:node rules', async () => {
  const lease = (verb: string, name: string, namespace = 'kube-node-lease') => attrs(verb, 'leases', name, { apiGroup: 'coordination.k8s.io', namespace });
  assert.equal(await decide(lease('update', 'n1')), 'allow');
  assert.equal(await decide(lease('update', 'n2')), 'deny');
  assert.equal(await decide(lease('get', 'n1', 'default')), 'deny');
  assert.equal(await decide(attrs('patch', 'pods', 'web', { subresource: 'status' })), 'allow');
  assert.equal(await decide(attrs('create', 'events', '')), 'allow');
  assert.equal(await decide(attrs('create', 'clusterrolebindings', '', { apiGroup: 'rbac.authorization.k8s.io', namespace: '' })), 'noOpinion');
});
