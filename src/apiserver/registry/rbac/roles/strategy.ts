// rbac.authorization.k8s.io/v1 Roles: namespaced permission rules (no non-resource URLs).
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { plainStrategy } from '../../generic/strategies.js';
import { type PolicyRule, validateRules } from '../rbac-validation.js';

export interface Role extends KubeObject {
  rules?: PolicyRule[];
}

export const roleStrategy = plainStrategy<Role>({ validate: (role) => validateRules(role.rules, true) });
