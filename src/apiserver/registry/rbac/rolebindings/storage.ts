import { defineResource } from '../../generic/resource.js';
import { bindingTable, rbacNameValidator } from '../rbac-validation.js';
import { type RoleBinding, roleBindingStrategy } from './strategy.js';

export const rolebindings = defineResource<RoleBinding>({
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'RoleBinding',
  resource: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  strategy: roleBindingStrategy,
  nameValidator: rbacNameValidator,
  table: bindingTable<RoleBinding>('roleBinding'),
});
