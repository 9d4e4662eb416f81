import { test } from 'node:test';
import assert from 'node:assert/strict';
import { breakdownRule, covers, ruleCovers, uncoveredRules } from './covers.js';

test('breakdownRule makes one rule per verb, group, resource and name', () => {
  assert.deepEqual(breakdownRule({ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }), [
    { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
    { verbs: ['list'], apiGroups: [''], resources: ['pods'] },
  ]);
  assert.equal(breakdownRule({ verbs: ['get'], apiGroups: ['', 'apps'], resources: ['a', 'b'], resourceNames: ['x', 'y'] }).length, 8);
  assert.deepEqual(breakdownRule({ verbs: ['get'], nonResourceURLs: ['/a', '/b'] }), [
    { verbs: ['get'], nonResourceURLs: ['/a'] },
    { verbs: ['get'], nonResourceURLs: ['/b'] },
  ]);
});

test('wildcards cover; a named rule does not cover an unnamed one', () => {
  const admin = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }];
  assert.equal(covers(admin, [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }]), true);
  assert.equal(ruleCovers({ verbs: ['get'], apiGroups: [''], resources: ['*/status'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods/status'] }), true);
  assert.equal(ruleCovers({ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }), false);
  assert.equal(ruleCovers({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }), true);
  assert.equal(ruleCovers({ verbs: ['get'], nonResourceURLs: ['/apis/*'] }, { verbs: ['get'], nonResourceURLs: ['/apis/apps'] }), true);
});

test('uncoveredRules lists exactly the missing pieces', () => {
  const owner = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }];
  assert.deepEqual(uncoveredRules(owner, [{ verbs: ['get', 'watch'], apiGroups: [''], resources: ['pods', 'services'] }]), [
    { verbs: ['watch'], apiGroups: [''], resources: ['pods'] },
    { verbs: ['get'], apiGroups: [''], resources: ['services'] },
    { verbs: ['watch'], apiGroups: [''], resources: ['services'] },
  ]);
});
