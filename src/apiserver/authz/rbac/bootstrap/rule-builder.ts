// A compact way to write policy rules (after Kubernetes' rbacv1helpers.NewRule):
//   rule('get', 'list').groups('').resources('pods')
//   rule('get', 'update').groups('coordination.k8s.io').names('kube-scheduler').resources('leases')
//   rule('get').urls('/healthz')
// resources() and urls() end the rule and return a plain PolicyRule.
import type { PolicyRule } from '../../../registry/rbac/rbac-validation.js';

export const READ = ['get', 'list', 'watch'];
export const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
export const READ_WRITE = [...READ, ...WRITE];
export const READ_UPDATE = [...READ, 'update', 'patch'];

export interface RuleBuilder {
  groups(...groups: string[]): RuleBuilder;
  names(...names: string[]): RuleBuilder;
  resources(...resources: string[]): PolicyRule;
  urls(...urls: string[]): PolicyRule;
}

export function rule(...verbs: string[]): RuleBuilder {
  let apiGroups: string[] = [];
  let resourceNames: string[] = [];
  const builder: RuleBuilder = {
    groups: (...groups) => {
      apiGroups = groups;
      return builder;
    },
    names: (...names) => {
      resourceNames = names;
      return builder;
    },
    resources: (...resources) => ({ verbs, apiGroups, resources, ...(resourceNames.length ? { resourceNames } : {}) }),
    urls: (...urls) => ({ verbs, nonResourceURLs: urls }),
  };
  return builder;
}
