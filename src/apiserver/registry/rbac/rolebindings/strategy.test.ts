import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { rolebindings } from './storage.js';
import { type RoleBinding, roleBindingStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'admin', groups: [] }, namespace: 'default', dryRun: false };
const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

const binding = (fields: Partial<RoleBinding>): RoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'read-pods', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
  ...fields,
});

describe('rolebindings strategy', () => {
  it('defaults the roleRef and subject API groups', () => {
    const b = binding({
      roleRef: { kind: 'Role', name: 'pod-reader' },
      subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
    });
    roleBindingStrategy.prepareForCreate(b, ctx);
    assert.equal(b.roleRef?.apiGroup, 'rbac.authorization.k8s.io');
    assert.equal(b.subjects?.[0]?.apiGroup, 'rbac.authorization.k8s.io');
    assert.equal(b.subjects?.[1]?.apiGroup, '');
    assert.deepEqual(messages(roleBindingStrategy.validate(b, ctx)), []);
  });

  it('validates roleRef and subjects', () => {
    const b = binding({ roleRef: { apiGroup: 'example.com', kind: 'Thing', name: '' }, subjects: [{ kind: 'Robot', name: 'r2' }, { kind: 'ServiceAccount', apiGroup: 'x', name: 'Bad_SA' }] });
    const errs = messages(roleBindingStrategy.validate(b, ctx));
    assert.deepEqual(errs.slice(0, 4), [
      'roleRef.apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io"',
      'roleRef.kind: Unsupported value: "Thing": supported values: "Role", "ClusterRole"',
      'roleRef.name: Required value',
      'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
    ]);
    assert.match(errs[4]!, /^subjects\[1\]\.name: Invalid value: "Bad_SA": a lowercase RFC 1123 subdomain/);
    assert.equal(errs[5], 'subjects[1].apiGroup: Unsupported value: "x": supported values: ""');
  });

  it('refuses to change roleRef with Kubernetes\' message', () => {
    const old = binding({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } });
    const next = binding({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' } });
    roleBindingStrategy.prepareForUpdate(next, old, ctx);
    assert.deepEqual(messages(roleBindingStrategy.validateUpdate(next, old, ctx)), [
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"admin"}: cannot change roleRef',
    ]);
    const sameRef = binding({ roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'devs' }] });
    roleBindingStrategy.prepareForUpdate(sameRef, old, ctx);
    assert.deepEqual(messages(roleBindingStrategy.validateUpdate(sameRef, old, ctx)), []);
  });

  it('prints ROLE and, with -o wide, USERS GROUPS SERVICEACCOUNTS', () => {
    const b = binding({
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [
        { kind: 'User', name: 'jane' },
        { kind: 'User', name: 'joe' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', name: 'ci', namespace: 'build' },
      ],
    });
    const now = Date.parse('2024-01-01T00:02:00Z');
    assert.deepEqual(rolebindings.table!.columns.map((c) => [c.name, c.priority ?? 0]), [['Role', 0], ['Age', 0], ['Users', 1], ['Groups', 1], ['ServiceAccounts', 1]]);
    assert.deepEqual(rolebindings.table!.cells(b, now), ['ClusterRole/edit', '2m', 'jane, joe', 'devs', 'build/ci']);
  });
});
