// A user's rules across several authorizers (Kubernetes' union RulesFor): the concatenation, with
// rules repeated word for word kept once (system:masters' "*" is also cluster-admin's "*").
import type { UserInfo } from '../authn/user.js';
import type { NonResourceRule, ResourceRule, RuleResolver, UserRules } from './rule-resolver.js';

export type UnionUserRules = UserRules;

const ruleKey = (rule: ResourceRule | NonResourceRule): string =>
  JSON.stringify(Object.entries(rule).filter(([, v]) => Array.isArray(v) && v.length > 0).sort(([a], [b]) => (a < b ? -1 : 1)));

function uniqueRules<T extends ResourceRule | NonResourceRule>(rules: T[]): T[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = ruleKey(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function unionRuleResolver(resolvers: RuleResolver[]): RuleResolver {
  return {
    async rulesFor(user: UserInfo, namespace: string): Promise<UnionUserRules> {
      const all = (await Promise.all(resolvers.map((r) => r.rulesFor(user, namespace)))) as UnionUserRules[];
      const errors = all.map((r) => r.evaluationError).filter((e): e is string => !!e);
      const result: UnionUserRules = {
        resourceRules: uniqueRules(all.flatMap((r) => r.resourceRules)),
        nonResourceRules: uniqueRules(all.flatMap((r) => r.nonResourceRules)),
        incomplete: all.some((r) => r.incomplete),
      };
      if (errors.length) result.evaluationError = errors.join(', ');
      return result;
    },
  };
}
