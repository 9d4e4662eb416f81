// Does one PolicyRule allow one request? Kubernetes' rbac.go matching (RuleAllows and friends):
// "*" in verbs, apiGroups and resources; "resource/subresource" and "*/subresource"; an empty
// resourceNames list meaning every name; nonResourceURLs with a trailing "*" as a prefix match.
import type { PolicyRule } from '../../registry/rbac/rbac-validation.js';
import type { AuthorizationAttributes } from '../authorizer.js';

export const ALL = '*';

export const verbMatches = (rule: PolicyRule, verb: string): boolean =>
  (rule.verbs ?? []).some((v) => v === ALL || v === verb);

export const apiGroupMatches = (rule: PolicyRule, group: string): boolean =>
  (rule.apiGroups ?? []).some((g) => g === ALL || g === group);

/** `combined` is "pods" or "pods/status"; `subresource` is "" or "status". */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === ALL || r === combined) return true;
    // "*/status" grants the status subresource of every resource
    if (subresource && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

export const resourceNameMatches = (rule: PolicyRule, name: string): boolean =>
  !rule.resourceNames?.length || rule.resourceNames.includes(name);

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const url of rule.nonResourceURLs ?? []) {
    if (url === ALL || url === path) return true;
    if (url.endsWith(ALL) && path.startsWith(url.slice(0, -1))) return true;
  }
  return false;
}

export type RequestAttributes = Pick<
  AuthorizationAttributes,
  'verb' | 'isResourceRequest' | 'apiGroup' | 'resource' | 'subresource' | 'name' | 'path'
>;

export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!attrs.isResourceRequest) return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  return (
    verbMatches(rule, attrs.verb) &&
    apiGroupMatches(rule, attrs.apiGroup) &&
    resourceMatches(rule, combined, attrs.subresource) &&
    resourceNameMatches(rule, attrs.name)
  );
}

export const rulesAllow = (attrs: RequestAttributes, rules: readonly PolicyRule[]): boolean => rules.some((r) => ruleAllows(attrs, r));
