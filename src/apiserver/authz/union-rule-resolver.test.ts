import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemMastersRules, type RuleResolver } from './rule-resolver.js';
import { type UnionUserRules, unionRuleResolver } from './union-rule-resolver.js';

const fixed = (rules: UnionUserRules): RuleResolver => ({ rulesFor: async () => rules });

test('the union concatenates rules, keeps repeated ones once and carries errors', async () => {
  const rbac = fixed({
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
    evaluationError: 'clusterrole.rbac.authorization.k8s.io "x" not found',
  });
  const union = unionRuleResolver([systemMastersRules, rbac]);
  const masters = await union.rulesFor({ name: 'root', groups: ['system:masters'] }, 'default');
  assert.deepEqual(masters.resourceRules, [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
  assert.deepEqual(masters.nonResourceRules, [{ verbs: ['*'], nonResourceURLs: ['*'] }]);
  assert.equal((masters as UnionUserRules).evaluationError, 'clusterrole.rbac.authorization.k8s.io "x" not found');
  const jane = await union.rulesFor({ name: 'jane', groups: [] }, 'default');
  assert.equal(jane.resourceRules.length, 2);
  assert.equal(jane.incomplete, false);
});
