// The RBAC authorizer (Kubernetes' plugin/pkg/auth/authorizer/rbac): allows a request when a rule
// of a role bound to the user (or one of its groups) allows it; otherwise it has no opinion, and
// says which referenced roles were missing. It also lists a user's rules for
// SelfSubjectRulesReview. The policy comes from the apiserver's four RBAC watch caches.
import type { KubeObject } from '../../../apimachinery/meta.js';
import type { Cacher } from '../../../storage/cacher/cacher.js';
import type { UserInfo } from '../../authn/user.js';
import type { Binding, PolicyRule } from '../../registry/rbac/rbac-validation.js';
import type { AuthorizationAttributes, AuthorizationResult, Authorizer } from '../authorizer.js';
import type { NonResourceRule, ResourceRule, RuleResolver, UserRules } from '../rule-resolver.js';
import { type CacheFollower, followCache } from './follow-cache.js';
import { type BindingKind, PolicyIndex, describeBinding } from './policy-index.js';
import { ruleAllows } from './rule-match.js';

export interface RbacCaches {
  roles: Cacher<KubeObject>;
  roleBindings: Cacher<KubeObject>;
  clusterRoles: Cacher<KubeObject>;
  clusterRoleBindings: Cacher<KubeObject>;
}

/** Rules of a user plus, like SubjectRulesReviewStatus.evaluationError, what could not be resolved. */
export interface RbacUserRules extends UserRules {
  evaluationError?: string;
}

/** utilerrors.NewAggregate's message: one error as is, several in brackets. */
const aggregate = (errors: string[]): string => (errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);

export class RbacAuthorizer implements Authorizer, RuleResolver {
  readonly name = 'RBAC';
  readonly index: PolicyIndex;
  #followers: CacheFollower[] = [];
  #synced = false;
  #markSynced: () => void = () => {};
  /** Requests that arrive before the first full view of the policy wait for it (rather than being
   *  refused while the server starts); follow() must therefore be called at start-up. */
  readonly #ready = new Promise<void>((resolve) => (this.#markSynced = resolve));

  /** Give an index to use a fixed policy (tests); otherwise call follow() with the watch caches. */
  constructor(index?: PolicyIndex) {
    this.index = index ?? new PolicyIndex();
    if (index) this.#setSynced();
  }

  #setSynced(): void {
    this.#synced = true;
    this.#markSynced();
  }

  /** Starts following the RBAC watch caches; resolves once the policy is loaded. */
  follow(caches: RbacCaches, onError?: (err: unknown) => void): Promise<void> {
    if (this.#followers.length) throw new Error('RbacAuthorizer.follow called twice');
    const idx = this.index;
    const bindings = (kind: BindingKind) => ({
      replace: (items: KubeObject[]) => idx.replaceBindings(kind, items as Binding[]),
      upsert: (obj: KubeObject) => idx.setBinding(kind, obj as Binding),
      remove: (obj: KubeObject) => idx.deleteBinding(kind, obj as Binding),
    });
    const opts = { onError };
    this.#followers = [
      followCache(caches.roles, { replace: (items) => idx.replaceRoles(items), upsert: (o) => idx.setRole(o), remove: (o) => idx.deleteRole(o) }, opts),
      followCache(caches.clusterRoles, { replace: (items) => idx.replaceClusterRoles(items), upsert: (o) => idx.setClusterRole(o), remove: (o) => idx.deleteClusterRole(o) }, opts),
      followCache(caches.roleBindings, bindings('RoleBinding'), opts),
      followCache(caches.clusterRoleBindings, bindings('ClusterRoleBinding'), opts),
    ];
    void Promise.all(this.#followers.map((f) => f.ready)).then(() => this.#setSynced());
    return this.#ready;
  }

  stop(): void {
    this.#followers.forEach((f) => f.stop());
  }

  authorize(attrs: AuthorizationAttributes): AuthorizationResult | Promise<AuthorizationResult> {
    return this.#synced ? this.#decide(attrs) : this.#ready.then(() => this.#decide(attrs));
  }

  #decide(attrs: AuthorizationAttributes): AuthorizationResult {
    const errors: string[] = [];
    let allowedBy: string | null = null;
    this.index.visit(attrs.user, attrs.namespace, (match, rules, error) => {
      if (error) {
        errors.push(error);
        return false;
      }
      for (const rule of rules) {
        if (ruleAllows(attrs, rule)) {
          allowedBy = describeBinding(match);
          return true;
        }
      }
      return false;
    });
    if (allowedBy) return { decision: 'allow', reason: `RBAC: allowed by ${allowedBy}` };
    return errors.length ? { decision: 'noOpinion', reason: `RBAC: ${aggregate(errors)}` } : { decision: 'noOpinion' };
  }

  /** Kubernetes' RuleResolver.RulesFor: every rule granted to `user` in `namespace`, and what
   *  could not be resolved. */
  async policyRulesFor(user: UserInfo, namespace: string): Promise<{ rules: PolicyRule[]; errors: string[] }> {
    if (!this.#synced) await this.#ready;
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    this.index.visit(user, namespace, (_match, granted, error) => {
      if (error) errors.push(error);
      rules.push(...granted);
      return false;
    });
    return { rules, errors };
  }

  async rulesFor(user: UserInfo, namespace: string): Promise<RbacUserRules> {
    const { rules, errors } = await this.policyRulesFor(user, namespace);
    const result: RbacUserRules = {
      resourceRules: rules.filter((r) => r.resources?.length).map(toResourceRule),
      nonResourceRules: rules.filter((r) => r.nonResourceURLs?.length).map((r) => ({ verbs: [...(r.verbs ?? [])], nonResourceURLs: [...(r.nonResourceURLs ?? [])] })),
      incomplete: false,
    };
    if (errors.length) result.evaluationError = aggregate(errors);
    return result;
  }
}

function toResourceRule(rule: PolicyRule): ResourceRule {
  const out: ResourceRule = { verbs: [...(rule.verbs ?? [])], apiGroups: [...(rule.apiGroups ?? [])], resources: [...(rule.resources ?? [])] };
  if (rule.resourceNames?.length) out.resourceNames = [...rule.resourceNames];
  return out;
}
