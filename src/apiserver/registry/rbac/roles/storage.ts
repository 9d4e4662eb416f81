import { defineResource } from '../../generic/resource.js';
import { rbacNameValidator, roleTable } from '../rbac-validation.js';
import { type Role, roleStrategy } from './strategy.js';

export const roles = defineResource<Role>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'Role',
  resource: 'roles',
  singular: 'role',
  namespaced: true,
  strategy: roleStrategy,
  nameValidator: rbacNameValidator,
  table: roleTable<Role>(),
});
