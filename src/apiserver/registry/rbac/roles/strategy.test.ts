import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { roles } from './storage.js';
import { type Role, roleStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'admin', groups: [] }, namespace: 'default', dryRun: false };
const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

const role = (rules: Role['rules']): Role => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name: 'pod-reader', namespace: 'default', creationTimestamp: '2024-03-01T10:20:30Z' },
  rules,
});

describe('roles strategy', () => {
  it('accepts resource rules', () => {
    assert.deepEqual(messages(roleStrategy.validate(role([{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]), ctx)), []);
  });

  it('requires verbs, apiGroups and resources', () => {
    assert.deepEqual(messages(roleStrategy.validate(role([{}]), ctx)), [
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[0].apiGroups: Required value: resource rules must supply at least one api group',
      'rules[0].resources: Required value: resource rules must supply at least one resource',
    ]);
  });

  it('refuses non-resource URLs in a namespaced Role', () => {
    assert.deepEqual(messages(roleStrategy.validate(role([{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]), ctx)), [
      'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
    ]);
  });

  it('allows any URL-safe name, like system:controller:x', () => {
    assert.deepEqual(roles.nameValidator!('system:controller:x', false), []);
    assert.deepEqual(roles.nameValidator!('a/b', false), ["may not contain '/'"]);
  });

  it('prints NAME and CREATED AT like the default table', () => {
    assert.deepEqual(roles.table!.columns.map((c) => [c.name, c.type]), [['Created At', 'date']]);
    assert.deepEqual(roles.table!.cells(role([]), Date.now()), ['2024-03-01T10:20:30Z']);
  });
});
