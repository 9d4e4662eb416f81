// Lists what a user may do (for SelfSubjectRulesReview / `kubectl auth can-i --list`).
import type { UserInfo } from '../authn/user.js';
import { SYSTEM_MASTERS } from '../authn/user.js';

export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

export interface UserRules {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  /** What the resolver could not evaluate (SubjectRulesReviewStatus.evaluationError). */
  evaluationError?: string;
}

export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): Promise<UserRules>;
}

/** What system:masters may do: everything. RBAC adds its rules in front of this resolver. */
export const systemMastersRules: RuleResolver = {
  rulesFor: async (user) =>
    user.groups.includes(SYSTEM_MASTERS)
      ? { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false }
      : { resourceRules: [], nonResourceRules: [], incomplete: false },
};
