// The bootstrap ClusterRoles of the system components, after Kubernetes 1.32's policy.go:
// the node agent (kubelet), the scheduler and the controller manager.
import type { ClusterRole } from '../../../registry/rbac/clusterroles/strategy.js';
import type { PolicyRule } from '../../../registry/rbac/rbac-validation.js';
import { READ, READ_UPDATE, rule } from './rule-builder.js';

const core = '';
const apps = 'apps';
const authentication = 'authentication.k8s.io';
const authorization = 'authorization.k8s.io';
const certificates = 'certificates.k8s.io';
const coordination = 'coordination.k8s.io';
const extensions = 'extensions';
const policy = 'policy';
const storage = 'storage.k8s.io';

const eventsRule = (): PolicyRule => rule('create', 'update', 'patch').groups(core, 'events.k8s.io').resources('events');

/** What a node agent needs to register its node, keep its lease and run the pods bound to it. */
export const nodeRules = (): PolicyRule[] => [
  // checking API access: these creates change nothing
  rule('create').groups(authentication).resources('tokenreviews'),
  rule('create').groups(authorization).resources('subjectaccessreviews', 'localsubjectaccessreviews'),
  // services, for the environment variables of containers
  rule(...READ).groups(core).resources('services'),
  // its Node object and status
  rule('create', 'get', 'list', 'watch').groups(core).resources('nodes'),
  rule('update', 'patch').groups(core).resources('nodes/status'),
  rule('update', 'patch').groups(core).resources('nodes'),
  rule('create', 'update', 'patch').groups(core).resources('events'),
  // pods bound to it, their status, mirror pods and evictions
  rule(...READ).groups(core).resources('pods'),
  rule('create', 'delete').groups(core).resources('pods'),
  rule('update', 'patch').groups(core).resources('pods/status'),
  rule('create').groups(core).resources('pods/eviction'),
  // what pods use: secrets and config maps (volumes, env, image pull secrets), volumes
  rule(...READ).groups(core).resources('secrets', 'configmaps'),
  rule(...READ).groups(core).resources('persistentvolumeclaims', 'persistentvolumes'),
  rule('get').groups(core).resources('endpoints'),
  rule('create', 'get', 'list', 'watch').groups(certificates).resources('certificatesigningrequests'),
  // its heartbeat Lease in kube-node-lease
  rule('get', 'create', 'update', 'patch', 'delete').groups(coordination).resources('leases'),
  rule('get').groups(storage).resources('volumeattachments'),
  // projected service account tokens for its pods
  rule('create').groups(core).resources('serviceaccounts/token'),
  rule('get', 'update', 'patch').groups(core).resources('persistentvolumeclaims/status'),
  rule('get', 'watch', 'list').groups(storage).resources('csidrivers'),
  rule('get', 'create', 'update', 'patch', 'delete').groups(storage).resources('csinodes'),
  rule('get', 'list', 'watch').groups('node.k8s.io').resources('runtimeclasses'),
];

const kubeSchedulerRules = (): PolicyRule[] => [
  eventsRule(),
  // leader election
  rule('create').groups(coordination).resources('leases'),
  rule('get', 'update').groups(coordination).names('kube-scheduler').resources('leases'),
  rule(...READ).groups(core).resources('nodes'),
  rule('get', 'list', 'watch', 'delete').groups(core).resources('pods'),
  rule('create').groups(core).resources('pods/binding', 'bindings'),
  rule('patch', 'update').groups(core).resources('pods/status'),
  // what selects pods, and what pods use
  rule(...READ).groups(core).resources('services', 'replicationcontrollers'),
  rule(...READ).groups(apps, extensions).resources('replicasets'),
  rule(...READ).groups(apps).resources('statefulsets'),
  rule(...READ).groups(policy).resources('poddisruptionbudgets'),
  rule(...READ).groups(core).resources('persistentvolumeclaims', 'persistentvolumes'),
  rule('create').groups(authentication).resources('tokenreviews'),
  rule('create').groups(authorization).resources('subjectaccessreviews'),
  rule(...READ).groups(storage).resources('csinodes'),
  rule(...READ).groups(core).resources('namespaces'),
  rule(...READ).groups(storage).resources('csidrivers'),
  rule(...READ).groups(storage).resources('csistoragecapacities'),
];

const kubeControllerManagerRules = (): PolicyRule[] => [
  eventsRule(),
  // leader election
  rule('create').groups(coordination).resources('leases'),
  rule('get', 'update').groups(coordination).names('kube-controller-manager').resources('leases'),
  rule('create').groups(core).resources('endpoints'),
  rule('get', 'update').groups(core).names('kube-controller-manager').resources('endpoints'),
  // the identities it hands to the other controllers
  rule('create').groups(core).resources('secrets', 'serviceaccounts'),
  rule('delete').groups(core).resources('secrets'),
  rule('get').groups(core).resources('namespaces', 'secrets', 'serviceaccounts', 'configmaps'),
  rule('update').groups(core).resources('secrets', 'serviceaccounts'),
  rule('create').groups(authentication).resources('tokenreviews'),
  rule('create').groups(authorization).resources('subjectaccessreviews'),
  // every shared informer
  rule('list', 'watch').groups('*').resources('*'),
  rule('create').groups(core).resources('serviceaccounts/token'),
];

const role = (name: string, rules: PolicyRule[]): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name },
  rules,
});

export const systemClusterRoles = (): ClusterRole[] => [
  role('system:node', nodeRules()),
  role('system:kube-scheduler', kubeSchedulerRules()),
  role('system:volume-scheduler', [
    rule(...READ_UPDATE).groups(core).resources('persistentvolumes'),
    rule(...READ).groups(storage).resources('storageclasses'),
    rule(...READ_UPDATE).groups(core).resources('persistentvolumeclaims'),
  ]),
  role('system:kube-controller-manager', kubeControllerManagerRules()),
];
