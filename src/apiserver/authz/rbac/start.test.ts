import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UserInfo } from '../../authn/user.js';
import type { ClusterRole } from '../../registry/rbac/clusterroles/strategy.js';
import type { Binding } from '../../registry/rbac/rbac-validation.js';
import type { AuthorizationAttributes } from '../authorizer.js';
import { AUTOUPDATE_ANNOTATION } from './bootstrap/policy.js';
import { covers } from './covers.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { startRbac } from './start.js';
import { eventually, rbacTestEnv } from './test-env.js';

const G = 'rbac.authorization.k8s.io';
const jane: UserInfo = { name: 'jane', groups: ['dev', 'system:authenticated'] };
const ask = (over: Partial<AuthorizationAttributes>): AuthorizationAttributes => ({
  user: jane, verb: 'list', isResourceRequest: true, namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', name: '', path: '', ...over,
});

test('startRbac creates the bootstrap policy, aggregates view < edit < admin and authorizes from the caches', async (t) => {
  const env = await rbacTestEnv();
  t.after(() => env.close());
  const rbac = new RbacAuthorizer();
  const running = await startRbac(rbac, env);
  t.after(() => running.stop());
  assert.ok(running.bootstrap.created.includes('clusterrole/cluster-admin'));
  assert.ok(running.bootstrap.created.includes('clusterrolebinding/system:basic-user'));

  const roles = env.get(G, 'clusterroles').registry;
  const rules = async (name: string) => ((await roles.get('', name)) as ClusterRole).rules ?? [];
  const [view, edit, admin] = [await rules('view'), await rules('edit'), await rules('admin')];
  assert.ok(covers(view, await rules('system:aggregate-to-view')));
  assert.ok(covers(edit, view) && covers(edit, await rules('system:aggregate-to-edit')));
  assert.ok(covers(admin, edit) && covers(admin, await rules('system:aggregate-to-admin')));
  assert.ok(!covers(view, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]), 'view does not read secrets');

  // every authenticated user: discovery, health, can-i; nothing else
  assert.equal((await rbac.authorize(ask({ isResourceRequest: false, verb: 'get', path: '/apis/apps/v1', resource: '' }))).decision, 'allow');
  assert.equal((await rbac.authorize(ask({ verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectrulesreviews', namespace: '' }))).decision, 'allow');
  assert.equal((await rbac.authorize(ask({}))).decision, 'noOpinion');
  // system:masters through the cluster-admin binding; nodes through system:node
  assert.equal((await rbac.authorize(ask({ user: { name: 'root', groups: ['system:masters'] }, verb: 'delete', resource: 'nodes' }))).decision, 'allow');
  const node: UserInfo = { name: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
  assert.equal((await rbac.authorize(ask({ user: node, verb: 'patch', resource: 'nodes', subresource: 'status', namespace: '', name: 'n1' }))).decision, 'allow');
  assert.equal((await rbac.authorize(ask({ user: node, verb: 'update', apiGroup: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', name: 'n1' }))).decision, 'allow');
  assert.equal((await rbac.authorize(ask({ user: node, verb: 'delete', resource: 'namespaces', namespace: '' }))).decision, 'noOpinion');

  // a RoleBinding made through the API is seen by the authorizer
  const bindings = env.get(G, 'rolebindings').registry;
  const rb: Binding = {
    apiVersion: `${G}/v1`, kind: 'RoleBinding', metadata: { name: 'jane-view', namespace: 'default' },
    roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', apiGroup: G, name: 'jane' }],
  };
  await bindings.create(env.ctx('default'), rb);
  await eventually(async () => (await rbac.authorize(ask({}))).decision === 'allow');
  assert.equal((await rbac.authorize(ask({ verb: 'create' }))).decision, 'noOpinion');
  assert.equal((await rbac.authorize(ask({ namespace: 'kube-system' }))).decision, 'noOpinion');
  await bindings.remove(env.ctx('default'), await bindings.get('default', 'jane-view'));
  await eventually(async () => (await rbac.authorize(ask({}))).decision === 'noOpinion');
});

test('on restart the policy is reconciled: lost rules and subjects come back, autoupdate=false is left alone, a changed roleRef is recreated', async (t) => {
  const env = await rbacTestEnv();
  t.after(() => env.close());
  const first = await startRbac(new RbacAuthorizer(), env);
  first.stop();
  const roles = env.get(G, 'clusterroles').registry;
  const crbs = env.get(G, 'clusterrolebindings').registry;
  const ctx = env.ctx();
  // a user trims basic-user, pins public-info-viewer, rebinds discovery and adds a subject
  await roles.update(ctx, 'system:basic-user', (cur) => ({ ...cur!, rules: [] }));
  await roles.update(ctx, 'system:public-info-viewer', (cur) => ({
    ...cur!, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }], metadata: { ...cur!.metadata, annotations: { [AUTOUPDATE_ANNOTATION]: 'false' } },
  }));
  await crbs.update(ctx, 'cluster-admin', (cur) => ({ ...cur!, subjects: [...((cur as Binding).subjects ?? []), { kind: 'User', apiGroup: G, name: 'alice' }] }));
  await crbs.remove(ctx, await crbs.get('', 'system:discovery'));
  await crbs.create(ctx, {
    apiVersion: `${G}/v1`, kind: 'ClusterRoleBinding', metadata: { name: 'system:discovery' },
    roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', apiGroup: G, name: 'system:authenticated' }],
  } as Binding);
  await roles.remove(ctx, await roles.get('', 'system:node'));

  const second = await startRbac(new RbacAuthorizer(), env);
  t.after(() => second.stop());
  assert.deepEqual(second.bootstrap.created.sort(), ['clusterrole/system:node', 'clusterrolebinding/system:discovery']);
  assert.ok(second.bootstrap.updated.includes('clusterrole/system:basic-user'));
  assert.deepEqual(second.bootstrap.skipped, ['clusterrole/system:public-info-viewer']);
  assert.equal(((await roles.get('', 'system:basic-user')) as ClusterRole).rules?.length, 2);
  assert.deepEqual(((await roles.get('', 'system:public-info-viewer')) as ClusterRole).rules, [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]);
  assert.equal(((await crbs.get('', 'system:discovery')) as Binding).roleRef?.name, 'system:discovery');
  const admins = ((await crbs.get('', 'cluster-admin')) as Binding).subjects?.map((s) => s.name);
  assert.deepEqual(admins, ['system:masters', 'alice'], 'subjects added by the user stay');
  const third = await startRbac(new RbacAuthorizer(), env);
  t.after(() => third.stop());
  assert.deepEqual([third.bootstrap.created, third.bootstrap.updated], [[], []], 'a settled policy is not written again');
});
