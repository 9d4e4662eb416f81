import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { clusterroles } from './storage.js';
import { type ClusterRole, clusterRoleStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'admin', groups: [] }, namespace: '', dryRun: false };
const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

const clusterRole = (fields: Partial<ClusterRole>): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'monitoring' },
  ...fields,
});

describe('clusterroles strategy', () => {
  it('allows non-resource URLs but not mixed with resources', () => {
    assert.deepEqual(messages(clusterRoleStrategy.validate(clusterRole({ rules: [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }] }), ctx)), []);
    assert.deepEqual(
      messages(clusterRoleStrategy.validate(clusterRole({ rules: [{ verbs: ['get'], nonResourceURLs: ['/metrics'], resources: ['pods'] }] }), ctx)),
      ['rules[0].nonResourceURLs: Invalid value: []string{"/metrics"}: rules cannot apply to both regular resources and non-resource URLs'],
    );
  });

  it('accepts an aggregation rule and validates its selectors', () => {
    const ok = clusterRole({ aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] } });
    assert.deepEqual(messages(clusterRoleStrategy.validate(ok, ctx)), []);
    assert.deepEqual(messages(clusterRoleStrategy.validate(clusterRole({ aggregationRule: {} }), ctx)), [
      'aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil',
    ]);
    const bad = clusterRole({ aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] } });
    const errs = messages(clusterRoleStrategy.validate(bad, ctx));
    assert.equal(errs[0], "aggregationRule.clusterRoleSelectors[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
  });

  it('is cluster-scoped with the default table', () => {
    assert.equal(clusterroles.namespaced, false);
    assert.equal(clusterroles.table!.columns[0]!.name, 'Created At');
  });
});
