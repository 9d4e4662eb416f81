import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../../apimachinery/errors.js';
import type { UserInfo } from '../../authn/user.js';
import type { ClusterRole } from '../../registry/rbac/clusterroles/strategy.js';
import type { Binding, PolicyRule } from '../../registry/rbac/rbac-validation.js';
import { AuthorizerChain, systemMastersAuthorizer } from '../authorizer.js';
import { compactRules, compactString, rbacEscalationCheck } from './escalation.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { startRbac } from './start.js';
import { type RbacTestEnv, eventually, rbacTestEnv } from './test-env.js';

const G = 'rbac.authorization.k8s.io';
const jane: UserInfo = { name: 'jane', groups: ['dev', 'system:authenticated'] };

const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, roleKind: string, role: string, user: string, namespace?: string): Binding => ({
  apiVersion: `${G}/v1`, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, roleRef: { apiGroup: G, kind: roleKind, name: role }, subjects: [{ kind: 'User', apiGroup: G, name: user }],
});
const role = (kind: 'Role' | 'ClusterRole', name: string, rules: PolicyRule[], namespace?: string, extra: Partial<ClusterRole> = {}): ClusterRole => ({
  apiVersion: `${G}/v1`, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, rules, ...extra,
});

async function setup(t: { after: (fn: () => unknown) => void }): Promise<{ env: RbacTestEnv; rbac: RbacAuthorizer }> {
  const rbac = new RbacAuthorizer();
  const env = await rbacTestEnv([rbacEscalationCheck({ rbac, authorizer: new AuthorizerChain([systemMastersAuthorizer, rbac]) })]);
  t.after(() => env.close());
  const running = await startRbac(rbac, env);
  t.after(() => running.stop());
  // jane administers namespace "team"
  await env.get(G, 'rolebindings').registry.create(env.ctx('team'), binding('RoleBinding', 'jane-admin', 'ClusterRole', 'admin', 'jane', 'team'));
  await eventually(async () => (await rbac.policyRulesFor(jane, 'team')).rules.length > 10);
  return { env, rbac };
}

const refusal = (pattern: RegExp) => (err: unknown): boolean => {
  assert.ok(err instanceof StatusError, String(err));
  assert.equal(err.status.code, 403);
  assert.match(err.status.message ?? '', pattern);
  return true;
};

test('a namespace admin may bind and write what it holds, and nothing more', async (t) => {
  const { env } = await setup(t);
  const rbs = env.get(G, 'rolebindings').registry;
  const roles = env.get(G, 'roles').registry;
  const asJane = env.ctx('team', jane);
  await rbs.create(asJane, binding('RoleBinding', 'bob-view', 'ClusterRole', 'view', 'bob', 'team'));
  await assert.rejects(rbs.create(asJane, binding('RoleBinding', 'bob-root', 'ClusterRole', 'cluster-admin', 'bob', 'team')),
    refusal(/^rolebindings\.rbac\.authorization\.k8s\.io "bob-root" is forbidden: user "jane" \(groups=\["dev" "system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}\n\{NonResourceURLs:\["\*"\], Verbs:\["\*"\]\}$/));
  await roles.create(asJane, role('Role', 'secret-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }], 'team'));
  await assert.rejects(roles.create(asJane, role('Role', 'node-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['nodes'] }], 'team')),
    refusal(/^roles\.rbac\.authorization\.k8s\.io "node-reader" is forbidden: user "jane" .* not currently held:\n\{APIGroups:\[""\], Resources:\["nodes"\], Verbs:\["get" "list"\]\}$/));
  // what jane holds in "team" she does not hold in "other"
  await assert.rejects(rbs.create(env.ctx('other', jane), binding('RoleBinding', 'bob-view', 'ClusterRole', 'view', 'bob', 'other')), refusal(/not currently held/));
  // a missing role cannot be checked, so it cannot be bound
  await assert.rejects(rbs.create(asJane, binding('RoleBinding', 'ghost', 'ClusterRole', 'nope', 'bob', 'team')), refusal(/"ghost" is forbidden: clusterrole\.rbac\.authorization\.k8s\.io "nope" not found/));
});

test('the bind and escalate verbs allow what coverage does not; system:masters is exempt', async (t) => {
  const { env, rbac } = await setup(t);
  const crs = env.get(G, 'clusterroles').registry;
  const crbs = env.get(G, 'clusterrolebindings').registry;
  const rbs = env.get(G, 'rolebindings').registry;
  const admin = env.ctx();
  await crs.create(admin, role('ClusterRole', 'may-bind-edit', [{ verbs: ['bind'], apiGroups: [G], resources: ['clusterroles'], resourceNames: ['cluster-admin'] }]));
  await crbs.create(admin, binding('ClusterRoleBinding', 'jane-may-bind', 'ClusterRole', 'may-bind-edit', 'jane'));
  await eventually(async () => (await rbac.policyRulesFor(jane, '')).rules.some((r) => r.verbs?.includes('bind')));
  await rbs.create(env.ctx('team', jane), binding('RoleBinding', 'bob-root', 'ClusterRole', 'cluster-admin', 'bob', 'team'));

  const bob: UserInfo = { name: 'bob', groups: ['system:authenticated'] };
  await crs.create(admin, role('ClusterRole', 'role-writer', [{ verbs: ['create', 'update', 'escalate'], apiGroups: [G], resources: ['clusterroles'] }]));
  await crbs.create(admin, binding('ClusterRoleBinding', 'bob-writes-roles', 'ClusterRole', 'role-writer', 'bob'));
  await eventually(async () => (await rbac.policyRulesFor(bob, '')).rules.some((r) => r.verbs?.includes('escalate')));
  await crs.create(env.ctx('', bob), role('ClusterRole', 'anything', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]));

  await crbs.create(admin, binding('ClusterRoleBinding', 'anyone-root', 'ClusterRole', 'cluster-admin', 'carol'));
});

test('an aggregationRule, or a label that joins an aggregation, needs full authority', async (t) => {
  const { env, rbac } = await setup(t);
  const crs = env.get(G, 'clusterroles').registry;
  const admin = env.ctx();
  const dave: UserInfo = { name: 'dave', groups: ['system:authenticated'] };
  await crs.create(admin, role('ClusterRole', 'role-editor', [{ verbs: ['create', 'update', 'get'], apiGroups: [G], resources: ['clusterroles'] }]));
  await env.get(G, 'clusterrolebindings').registry.create(admin, binding('ClusterRoleBinding', 'dave-edits-roles', 'ClusterRole', 'role-editor', 'dave'));
  await eventually(async () => (await rbac.policyRulesFor(dave, '')).rules.length > 0);
  const asDave = env.ctx('', dave);
  await assert.rejects(crs.create(asDave, role('ClusterRole', 'gatherer', [], undefined, { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] } })),
    refusal(/^clusterroles\.rbac\.authorization\.k8s\.io "gatherer" is forbidden: must have cluster-admin privileges to use the aggregationRule$/));
  await crs.create(asDave, role('ClusterRole', 'own-roles', [{ verbs: ['get'], apiGroups: [G], resources: ['clusterroles'] }]));
  await assert.rejects(crs.update(asDave, 'cluster-admin', (cur) => ({ ...cur!, metadata: { ...cur!.metadata, labels: { ...cur!.metadata.labels, 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } } })),
    refusal(/"cluster-admin" is forbidden: user "dave"/));
  await crs.update(asDave, 'cluster-admin', (cur) => ({ ...cur!, metadata: { ...cur!.metadata, finalizers: ['example.com/keep'] } }));
});

test('compactRules and compactString print missing rights like Kubernetes', () => {
  const rules = compactRules([
    { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] },
    { verbs: ['list'], apiGroups: ['apps'], resources: ['deployments'] },
    { verbs: ['get'], nonResourceURLs: ['/metrics'] },
    { verbs: ['update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] },
  ]);
  assert.deepEqual(rules.map(compactString), [
    '{NonResourceURLs:["/metrics"], Verbs:["get"]}',
    '{APIGroups:["apps"], Resources:["deployments"], Verbs:["get" "list"]}',
    '{APIGroups:[""], Resources:["configmaps"], ResourceNames:["a"], Verbs:["update"]}',
  ]);
});
