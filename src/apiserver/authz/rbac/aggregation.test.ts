import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterRole } from '../../registry/rbac/clusterroles/strategy.js';
import type { PolicyRule } from '../../registry/rbac/rbac-validation.js';
import { aggregatedRules, sameRules, startClusterRoleAggregation } from './aggregation.js';
import { eventually, rbacTestEnv } from './test-env.js';

const cr = (name: string, rules: PolicyRule[], labels?: Record<string, string>, selectors?: ClusterRole['aggregationRule']): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, ...(labels ? { labels } : {}) }, rules, ...(selectors ? { aggregationRule: selectors } : {}),
});
const pods: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
const svcs: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['services'] };
const cms: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['configmaps'] };

test('aggregatedRules: per selector, matching roles by name, each rule once, never the role itself', () => {
  const monitor = cr('monitor', [{ verbs: ['delete'], apiGroups: ['*'], resources: ['*'] }], { 'aggregate-to-monitor': 'true' }, {
    clusterRoleSelectors: [{ matchLabels: { 'aggregate-to-monitor': 'true' } }, { matchExpressions: [{ key: 'team', operator: 'In', values: ['obs'] }] }],
  });
  const all = [
    monitor,
    cr('b-pods', [pods, svcs], { 'aggregate-to-monitor': 'true' }),
    cr('a-svcs', [svcs], { 'aggregate-to-monitor': 'true' }),
    cr('obs', [cms, pods], { team: 'obs' }),
    cr('unrelated', [{ verbs: ['*'], apiGroups: ['*'], resources: ['secrets'] }], { team: 'other' }),
  ];
  assert.deepEqual(aggregatedRules(monitor, all), [svcs, pods, cms]);
});

test('aggregatedRules treats missing and empty lists alike when removing duplicates', () => {
  const agg = cr('agg', [], undefined, { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] });
  const a = cr('a', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] }], { x: 'y' });
  const b = cr('b', [pods], { x: 'y' });
  assert.equal(aggregatedRules(agg, [agg, a, b]).length, 1);
  assert.equal(sameRules([pods], [{ ...pods, resourceNames: [] }]), true);
  assert.equal(sameRules([pods, svcs], [svcs, pods]), false, 'order matters, as in the stored object');
});

test('the aggregation writes the union into the role, follows changes and settles chains', async (t) => {
  const env = await rbacTestEnv();
  t.after(() => env.close());
  const { cache, registry } = env.get('rbac.authorization.k8s.io', 'clusterroles');
  const ctx = env.ctx();
  await registry.create(ctx, cr('top', [], undefined, { clusterRoleSelectors: [{ matchLabels: { 'to-top': 'true' } }] }));
  await registry.create(ctx, cr('middle', [], { 'to-top': 'true' }, { clusterRoleSelectors: [{ matchLabels: { 'to-middle': 'true' } }] }));
  await registry.create(ctx, cr('leaf', [pods], { 'to-middle': 'true' }));
  const aggregation = startClusterRoleAggregation({ cache, registry });
  t.after(() => aggregation.stop());
  await aggregation.idle();
  const rulesOf = async (name: string) => ((await registry.get('', name)) as ClusterRole).rules ?? [];
  assert.deepEqual(await rulesOf('middle'), [pods]);
  assert.deepEqual(await rulesOf('top'), [pods], 'leaf -> middle -> top in one run');

  // a new labelled role joins; a removed label leaves
  await registry.create(ctx, cr('extra', [svcs], { 'to-top': 'true' }));
  await eventually(async () => (await rulesOf('top')).length === 2);
  assert.deepEqual(await rulesOf('top'), [svcs, pods]);
  await registry.update(ctx, 'extra', (cur) => ({ ...cur!, metadata: { ...cur!.metadata, labels: {} } }));
  await eventually(async () => sameRules(await rulesOf('top'), [pods]));

  // rules written by hand into an aggregated role are replaced, as in Kubernetes
  await registry.update(ctx, 'middle', (cur) => ({ ...cur!, rules: [cms] }));
  await eventually(async () => sameRules(await rulesOf('middle'), [pods]));
  // once settled, nothing is written again
  await aggregation.idle();
  const before = (await registry.get('', 'top')).metadata.resourceVersion;
  await registry.update(ctx, 'leaf', (cur) => ({ ...cur!, metadata: { ...cur!.metadata, annotations: { note: 'same rules' } } }));
  await new Promise((r) => setTimeout(r, 100));
  await aggregation.idle();
  assert.equal((await registry.get('', 'top')).metadata.resourceVersion, before);
});
