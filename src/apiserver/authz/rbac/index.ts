// RBAC: the authorizer, its policy index, rule matching, aggregation and the bootstrap policy.
export { RbacAuthorizer, type RbacCaches, type RbacUserRules } from './rbac-authorizer.js';
export { PolicyIndex, describeBinding, type BindingMatch } from './policy-index.js';
export { ruleAllows, rulesAllow } from './rule-match.js';
export { covers, ruleCovers, uncoveredRules, breakdownRule } from './covers.js';
export { aggregatedRules, startClusterRoleAggregation, type ClusterRoleAggregation } from './aggregation.js';
export { ensureBootstrapPolicy, type ReconcileReport } from './bootstrap/reconcile.js';
export { bootstrapClusterRoles, bootstrapClusterRoleBindings } from './bootstrap/policy.js';
export { startRbac, type RunningRbac } from './start.js';
export { rbacEscalationCheck, compactRules, compactString } from './escalation.js';
