// rbac.authorization.k8s.io/v1 ClusterRoles: cluster-wide rules, possibly aggregated from other
// ClusterRoles by label (the aggregation controller fills in the rules).
import { ErrorList, root } from '../../../../apimachinery/field.js';
import { type LabelSelector, labelSelectorAsSelector, validateLabelSelector } from '../../../../apimachinery/labels.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { plainStrategy } from '../../generic/strategies.js';
import { type PolicyRule, validateRules } from '../rbac-validation.js';

export interface ClusterRole extends KubeObject {
  rules?: PolicyRule[];
  aggregationRule?: { clusterRoleSelectors?: LabelSelector[] };
}

export function validateClusterRole(role: ClusterRole): ErrorList {
  const errs = validateRules(role.rules, false);
  if (role.aggregationRule) {
    const selectors = role.aggregationRule.clusterRoleSelectors ?? [];
    const path = root('aggregationRule', 'clusterRoleSelectors');
    if (selectors.length === 0) errs.required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil');
    selectors.forEach((selector, i) => {
      const selectorErrs = validateLabelSelector(selector, path.index(i));
      errs.add(selectorErrs);
      try {
        labelSelectorAsSelector(selector);
      } catch {
        errs.invalid(path.index(i), selector, 'invalid label selector.');
      }
    });
  }
  return errs;
}

export const clusterRoleStrategy = plainStrategy<ClusterRole>({ validate: validateClusterRole });
