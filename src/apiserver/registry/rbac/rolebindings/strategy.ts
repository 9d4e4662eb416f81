// rbac.authorization.k8s.io/v1 RoleBindings: grant a Role or ClusterRole within one namespace.
import { plainStrategy } from '../../generic/strategies.js';
import { type Binding, defaultBinding, validateBinding, validateRoleRefUnchanged } from '../rbac-validation.js';

export type RoleBinding = Binding;

export const roleBindingStrategy = plainStrategy<RoleBinding>({
  defaults: defaultBinding,
  validate: (b) => validateBinding(b, true),
  validateUpdate: validateRoleRefUnchanged,
});
