// rbac.authorization.k8s.io/v1 ClusterRoleBindings: grant a ClusterRole cluster-wide; service
// account subjects must name their namespace.
import { plainStrategy } from '../../generic/strategies.js';
import { type Binding, defaultBinding, validateBinding, validateRoleRefUnchanged } from '../rbac-validation.js';

export type ClusterRoleBinding = Binding;

export const clusterRoleBindingStrategy = plainStrategy<ClusterRoleBinding>({
  defaults: defaultBinding,
  validate: (b) => validateBinding(b, false),
  validateUpdate: validateRoleRefUnchanged,
});
