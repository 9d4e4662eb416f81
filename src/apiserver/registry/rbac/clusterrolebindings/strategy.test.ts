import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { clusterrolebindings } from './storage.js';
import { type ClusterRoleBinding, clusterRoleBindingStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'admin', groups: [] }, namespace: '', dryRun: false };
const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

const binding = (fields: Partial<ClusterRoleBinding>): ClusterRoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'cluster-admin-binding' },
  ...fields,
});

describe('clusterrolebindings strategy', () => {
  it('only binds ClusterRoles and needs service account namespaces', () => {
    const b = binding({ roleRef: { kind: 'Role', name: 'x' }, subjects: [{ kind: 'ServiceAccount', name: 'default' }] });
    clusterRoleBindingStrategy.prepareForCreate(b, ctx);
    assert.deepEqual(messages(clusterRoleBindingStrategy.validate(b, ctx)), [
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'subjects[0].namespace: Required value',
    ]);
  });

  it('keeps roleRef immutable', () => {
    const old = binding({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } });
    const next = binding({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' } });
    const errs = messages(clusterRoleBindingStrategy.validateUpdate(next, old, ctx));
    assert.deepEqual(errs, ['roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"cluster-admin"}: cannot change roleRef']);
  });

  it('is cluster-scoped and prints the role', () => {
    assert.equal(clusterrolebindings.namespaced, false);
    const b = binding({ roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:masters' }] });
    b.metadata.creationTimestamp = '2024-01-01T00:00:00Z';
    assert.deepEqual(clusterrolebindings.table!.cells(b, Date.parse('2024-01-01T00:00:09Z')), ['ClusterRole/cluster-admin', '9s', '', 'system:masters', '']);
  });
});
