// The user-facing bootstrap ClusterRoles of Kubernetes 1.32 (plugin/pkg/auth/authorizer/rbac/
// bootstrappolicy/policy.go): cluster-admin, the aggregated admin/edit/view with the
// system:aggregate-to-* pieces they gather, and what every authenticated user may do.
import type { ClusterRole } from '../../../registry/rbac/clusterroles/strategy.js';
import { READ, READ_WRITE, WRITE, rule } from './rule-builder.js';

const core = '';
const apps = 'apps';
const authentication = 'authentication.k8s.io';
const authorization = 'authorization.k8s.io';
const autoscaling = 'autoscaling';
const batch = 'batch';
const discovery = 'discovery.k8s.io';
const extensions = 'extensions';
const networking = 'networking.k8s.io';
const policy = 'policy';
const rbac = 'rbac.authorization.k8s.io';

export const AGGREGATE_TO_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';

const role = (name: string, rules: ClusterRole['rules'], labels?: Record<string, string>): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, ...(labels ? { labels } : {}) },
  rules,
});

const aggregated = (name: string, selectorLabel: string, labels?: Record<string, string>): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, ...(labels ? { labels } : {}) },
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [selectorLabel]: 'true' } }] },
});

export const userClusterRoles = (): ClusterRole[] => [
  // a "root" role which can do absolutely anything
  role('cluster-admin', [rule('*').groups('*').resources('*'), rule('*').urls('*')]),

  // enough to find out whether the server is up and which APIs it serves
  role('system:discovery', [
    rule('get').urls('/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*'),
  ]),
  // what a "normal" user needs to learn about itself (kubectl auth can-i, kubectl auth whoami)
  role('system:basic-user', [
    rule('create').groups(authorization).resources('selfsubjectaccessreviews', 'selfsubjectrulesreviews'),
    rule('create').groups(authentication).resources('selfsubjectreviews'),
  ]),
  role('system:public-info-viewer', [rule('get').urls('/livez', '/readyz', '/healthz', '/version', '/version/')]),

  // namespace-level roles, filled in by aggregation: view is part of edit, edit part of admin
  aggregated('admin', AGGREGATE_TO_ADMIN),
  aggregated('edit', AGGREGATE_TO_EDIT, { [AGGREGATE_TO_ADMIN]: 'true' }),
  aggregated('view', AGGREGATE_TO_VIEW, { [AGGREGATE_TO_EDIT]: 'true' }),

  role('system:aggregate-to-admin', [
    rule('create').groups(authorization).resources('localsubjectaccessreviews'),
    rule(...READ_WRITE).groups(rbac).resources('roles', 'rolebindings'),
  ], { [AGGREGATE_TO_ADMIN]: 'true' }),

  role('system:aggregate-to-edit', [
    // read on the resources that can escalate (exec into a pod, read secrets, ...)
    rule(...READ).groups(core).resources('pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy'),
    rule('impersonate').groups(core).resources('serviceaccounts'),
    rule(...WRITE).groups(core).resources('pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward'),
    rule('create').groups(core).resources('pods/eviction'),
    rule(...WRITE).groups(core).resources('replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets', 'events'),
    rule('create').groups(core).resources('serviceaccounts/token'),
    rule(...WRITE).groups(apps).resources('statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale'),
    rule(...WRITE).groups(autoscaling).resources('horizontalpodautoscalers'),
    rule(...WRITE).groups(batch).resources('jobs', 'cronjobs'),
    rule(...WRITE).groups(extensions).resources('daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies'),
    rule(...WRITE).groups(policy).resources('poddisruptionbudgets'),
    rule(...WRITE).groups(networking).resources('networkpolicies', 'ingresses'),
  ], { [AGGREGATE_TO_EDIT]: 'true' }),

  role('system:aggregate-to-view', [
    rule(...READ).groups(core).resources('pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps'),
    rule(...READ).groups(core).resources('limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log'),
    // reading namespaces at namespace scope: reading *this* namespace
    rule(...READ).groups(core).resources('namespaces'),
    rule(...READ).groups(discovery).resources('endpointslices'),
    rule(...READ).groups(apps).resources('controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale'),
    rule(...READ).groups(autoscaling).resources('horizontalpodautoscalers', 'horizontalpodautoscalers/status'),
    rule(...READ).groups(batch).resources('jobs', 'cronjobs', 'cronjobs/status', 'jobs/status'),
    rule(...READ).groups(extensions).resources('daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale', 'networkpolicies'),
    rule(...READ).groups(policy).resources('poddisruptionbudgets', 'poddisruptionbudgets/status'),
    rule(...READ).groups(networking).resources('networkpolicies', 'ingresses', 'ingresses/status'),
  ], { [AGGREGATE_TO_VIEW]: 'true' }),
];
