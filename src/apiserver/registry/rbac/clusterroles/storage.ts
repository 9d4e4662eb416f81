import { defineResource } from '../../generic/resource.js';
import { rbacNameValidator, roleTable } from '../rbac-validation.js';
import { type ClusterRole, clusterRoleStrategy } from './strategy.js';

export const clusterroles = defineResource<ClusterRole>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRole',
  resource: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  strategy: clusterRoleStrategy,
  nameValidator: rbacNameValidator,
  table: roleTable<ClusterRole>(),
});
