import { defineResource } from '../../generic/resource.js';
import { bindingTable, rbacNameValidator } from '../rbac-validation.js';
import { type ClusterRoleBinding, clusterRoleBindingStrategy } from './strategy.js';

export const clusterrolebindings = defineResource<ClusterRoleBinding>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'ClusterRoleBinding',
  resource: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  strategy: clusterRoleBindingStrategy,
  nameValidator: rbacNameValidator,
  table: bindingTable<ClusterRoleBinding>('clusterRoleBinding'),
});
