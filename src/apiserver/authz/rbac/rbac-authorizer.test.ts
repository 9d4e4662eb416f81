import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UserInfo } from '../../authn/user.js';
import type { Binding, PolicyRule, Subject } from '../../registry/rbac/rbac-validation.js';
import type { AuthorizationAttributes } from '../authorizer.js';
import { PolicyIndex } from './policy-index.js';
import { RbacAuthorizer } from './rbac-authorizer.js';

const RBAC = 'rbac.authorization.k8s.io';
const readPods: PolicyRule = { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] };
const jane: UserInfo = { name: 'jane', groups: ['dev', 'system:authenticated'] };

const user = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC, name });
const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC, name });
const sa = (name: string, namespace?: string): Subject => ({ kind: 'ServiceAccount', name, ...(namespace ? { namespace } : {}) });

const roleBinding = (namespace: string, name: string, roleKind: 'Role' | 'ClusterRole', role: string, subjects: Subject[]): Binding => ({
  apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { namespace, name }, roleRef: { apiGroup: RBAC, kind: roleKind, name: role }, subjects,
});
const clusterBinding = (name: string, role: string, subjects: Subject[]): Binding => ({
  apiVersion: `${RBAC}/v1`, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role }, subjects,
});

const attrs = (who: UserInfo, over: Partial<AuthorizationAttributes>): AuthorizationAttributes => ({
  user: who, verb: 'list', isResourceRequest: true, namespace: 'default', apiGroup: '', apiVersion: 'v1', resource: 'pods', subresource: '', name: '', path: '', ...over,
});

function setup(): { index: PolicyIndex; rbac: RbacAuthorizer } {
  const index = new PolicyIndex();
  index.setClusterRole({ metadata: { name: 'pod-reader' }, rules: [readPods] });
  return { index, rbac: new RbacAuthorizer(index) };
}

test('a ClusterRoleBinding grants everywhere; a RoleBinding only in its namespace', async () => {
  const { index, rbac } = setup();
  assert.equal((await rbac.authorize(attrs(jane, {}))).decision, 'noOpinion');
  index.setBinding('RoleBinding', roleBinding('team-a', 'jane-reads', 'ClusterRole', 'pod-reader', [user('jane')]));
  const inTeamA = await rbac.authorize(attrs(jane, { namespace: 'team-a' }));
  assert.equal(inTeamA.decision, 'allow');
  assert.equal(inTeamA.reason, 'RBAC: allowed by RoleBinding "jane-reads/team-a" of ClusterRole "pod-reader" to User "jane"');
  assert.equal((await rbac.authorize(attrs(jane, { namespace: 'default' }))).decision, 'noOpinion');
  assert.equal((await rbac.authorize(attrs(jane, { namespace: '' }))).decision, 'noOpinion', 'not across all namespaces');

  index.setBinding('ClusterRoleBinding', clusterBinding('devs-read', 'pod-reader', [group('dev')]));
  const everywhere = await rbac.authorize(attrs(jane, { namespace: '' }));
  assert.equal(everywhere.decision, 'allow');
  assert.equal(everywhere.reason, 'RBAC: allowed by ClusterRoleBinding "devs-read" of ClusterRole "pod-reader" to Group "dev"');
  assert.equal((await rbac.authorize(attrs(jane, { namespace: 'other', verb: 'create' }))).decision, 'noOpinion');
});

test('a RoleBinding to a Role uses the Role of its own namespace', async () => {
  const { index, rbac } = setup();
  index.setRole({ metadata: { namespace: 'team-a', name: 'cm-editor' }, rules: [{ verbs: ['*'], apiGroups: [''], resources: ['configmaps'] }] });
  index.setBinding('RoleBinding', roleBinding('team-b', 'edit-cm', 'Role', 'cm-editor', [user('jane')]));
  const denied = await rbac.authorize(attrs(jane, { namespace: 'team-b', resource: 'configmaps', verb: 'create' }));
  assert.equal(denied.decision, 'noOpinion');
  assert.equal(denied.reason, 'RBAC: role.rbac.authorization.k8s.io "cm-editor" not found');
  index.setBinding('RoleBinding', roleBinding('team-a', 'edit-cm', 'Role', 'cm-editor', [user('jane')]));
  assert.equal((await rbac.authorize(attrs(jane, { namespace: 'team-a', resource: 'configmaps', verb: 'create' }))).decision, 'allow');
});

test('a missing role is named only when a binding of this user refers to it', async () => {
  const { index, rbac } = setup();
  index.setBinding('ClusterRoleBinding', clusterBinding('ghost', 'no-such-role', [user('bob')]));
  assert.equal((await rbac.authorize(attrs(jane, {}))).reason, undefined, "bob's broken binding is not jane's business");
  index.setBinding('ClusterRoleBinding', clusterBinding('ghost2', 'x', [user('jane')]));
  assert.equal((await rbac.authorize(attrs(jane, {}))).reason, 'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found');
  index.setBinding('RoleBinding', roleBinding('default', 'ghost3', 'ClusterRole', 'y', [group('dev')]));
  assert.equal((await rbac.authorize(attrs(jane, {}))).reason,
    'RBAC: [clusterrole.rbac.authorization.k8s.io "x" not found, clusterrole.rbac.authorization.k8s.io "y" not found]');
  // an allowing binding wins over broken ones, with no error in the reason
  index.setBinding('ClusterRoleBinding', clusterBinding('ok', 'pod-reader', [user('jane')]));
  assert.equal((await rbac.authorize(attrs(jane, {}))).decision, 'allow');
});

test('ServiceAccount subjects match system:serviceaccount:NS:NAME, defaulting to the binding namespace', async () => {
  const { index, rbac } = setup();
  const bot: UserInfo = { name: 'system:serviceaccount:ci:builder', groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'] };
  index.setBinding('RoleBinding', roleBinding('ci', 'builder-reads', 'ClusterRole', 'pod-reader', [sa('builder')]));
  const allowed = await rbac.authorize(attrs(bot, { namespace: 'ci' }));
  assert.equal(allowed.decision, 'allow');
  assert.equal(allowed.reason, 'RBAC: allowed by RoleBinding "builder-reads/ci" of ClusterRole "pod-reader" to ServiceAccount "builder/ci"');
  // a ServiceAccount of another namespace, named explicitly
  index.setBinding('RoleBinding', roleBinding('prod', 'ci-reads-prod', 'ClusterRole', 'pod-reader', [sa('builder', 'ci')]));
  assert.equal((await rbac.authorize(attrs(bot, { namespace: 'prod' }))).decision, 'allow');
  // in a ClusterRoleBinding a ServiceAccount without namespace matches nobody
  index.setBinding('ClusterRoleBinding', clusterBinding('no-ns', 'pod-reader', [sa('builder')]));
  assert.equal((await rbac.authorize(attrs(bot, { namespace: 'elsewhere' }))).decision, 'noOpinion');
  // the service account groups work as groups
  index.setBinding('ClusterRoleBinding', clusterBinding('all-sas', 'pod-reader', [group('system:serviceaccounts')]));
  assert.equal((await rbac.authorize(attrs(bot, { namespace: 'elsewhere' }))).decision, 'allow');
});

test('changing or deleting a binding changes the decision; replacing drops what is gone', async () => {
  const { index, rbac } = setup();
  const b = roleBinding('default', 'jane-reads', 'ClusterRole', 'pod-reader', [user('jane')]);
  index.setBinding('RoleBinding', b);
  assert.equal((await rbac.authorize(attrs(jane, {}))).decision, 'allow');
  index.setBinding('RoleBinding', { ...b, subjects: [user('bob')] });
  assert.equal((await rbac.authorize(attrs(jane, {}))).decision, 'noOpinion');
  assert.equal((await rbac.authorize(attrs({ name: 'bob', groups: [] }, {}))).decision, 'allow');
  index.deleteBinding('RoleBinding', b);
  assert.equal((await rbac.authorize(attrs({ name: 'bob', groups: [] }, {}))).decision, 'noOpinion');
  index.setBinding('RoleBinding', b);
  index.setBinding('ClusterRoleBinding', clusterBinding('devs', 'pod-reader', [group('dev')]));
  index.replaceBindings('RoleBinding', []);
  assert.equal(index.bindingsFor(jane, 'default').map((m) => m.name).join(), 'devs', 'ClusterRoleBindings survive a RoleBinding relist');
  index.deleteClusterRole({ metadata: { name: 'pod-reader' } });
  assert.equal((await rbac.authorize(attrs(jane, {}))).reason, 'RBAC: clusterrole.rbac.authorization.k8s.io "pod-reader" not found');
});

test('a binding naming the user twice (user and group) is visited once', () => {
  const { index } = setup();
  index.setBinding('ClusterRoleBinding', clusterBinding('both', 'pod-reader', [user('jane'), group('dev'), user('jane')]));
  assert.equal(index.bindingsFor(jane, 'default').length, 1);
  assert.equal(index.size.bindings, 1);
});

test('non-resource URLs, resourceNames and subresources through bindings', async () => {
  const { index, rbac } = setup();
  index.setClusterRole({ metadata: { name: 'mixed' }, rules: [
    { verbs: ['get'], nonResourceURLs: ['/healthz', '/logs/*'] },
    { verbs: ['get', 'update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['app'] },
    { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] },
  ] });
  index.setBinding('ClusterRoleBinding', clusterBinding('mixed', 'mixed', [user('jane')]));
  const decide = async (over: Partial<AuthorizationAttributes>) => (await rbac.authorize(attrs(jane, over))).decision;
  assert.equal(await decide({ isResourceRequest: false, verb: 'get', path: '/logs/kube/x', resource: '', namespace: '' }), 'allow');
  assert.equal(await decide({ isResourceRequest: false, verb: 'get', path: '/metrics', resource: '', namespace: '' }), 'noOpinion');
  assert.equal(await decide({ resource: 'configmaps', verb: 'update', name: 'app' }), 'allow');
  assert.equal(await decide({ resource: 'configmaps', verb: 'update', name: 'db' }), 'noOpinion');
  assert.equal(await decide({ verb: 'get', name: 'web', subresource: 'log' }), 'allow');
  assert.equal(await decide({ verb: 'get', name: 'web' }), 'noOpinion');
});

test('rulesFor lists the rules of every applicable binding, cluster bindings first', async () => {
  const { index, rbac } = setup();
  index.setClusterRole({ metadata: { name: 'health' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] });
  index.setBinding('ClusterRoleBinding', clusterBinding('health', 'health', [group('system:authenticated')]));
  index.setBinding('RoleBinding', roleBinding('default', 'jane-reads', 'ClusterRole', 'pod-reader', [user('jane')]));
  index.setBinding('RoleBinding', roleBinding('default', 'broken', 'Role', 'gone', [user('jane')]));
  const rules = await rbac.rulesFor(jane, 'default');
  assert.deepEqual(rules.resourceRules, [readPods]);
  assert.deepEqual(rules.nonResourceRules, [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]);
  assert.equal(rules.evaluationError, 'role.rbac.authorization.k8s.io "gone" not found');
  const elsewhere = await rbac.rulesFor(jane, 'kube-system');
  assert.deepEqual(elsewhere.resourceRules, []);
  assert.equal(elsewhere.evaluationError, undefined);
});
