// Well-known resources as the API addresses them (group, version, plural, scope, kind).
// Listed here whether or not kite serves them yet; a request for one not served gets a 404.
import type { ResourceType } from './types.js';

const core = (resource: string, kind: string, namespaced = true): ResourceType => ({ group: '', version: 'v1', resource, kind, namespaced });
const of = (group: string, version: string, resource: string, kind: string, namespaced = true): ResourceType => ({ group, version, resource, kind, namespaced });

// core/v1
export const NAMESPACES = core('namespaces', 'Namespace', false);
export const NODES = core('nodes', 'Node', false);
export const PERSISTENT_VOLUMES = core('persistentvolumes', 'PersistentVolume', false);
export const PODS = core('pods', 'Pod');
export const SERVICES = core('services', 'Service');
export const ENDPOINTS = core('endpoints', 'Endpoints');
export const CONFIGMAPS = core('configmaps', 'ConfigMap');
export const SECRETS = core('secrets', 'Secret');
export const SERVICE_ACCOUNTS = core('serviceaccounts', 'ServiceAccount');
export const EVENTS = core('events', 'Event');
export const PERSISTENT_VOLUME_CLAIMS = core('persistentvolumeclaims', 'PersistentVolumeClaim');
export const REPLICATION_CONTROLLERS = core('replicationcontrollers', 'ReplicationController');
export const LIMIT_RANGES = core('limitranges', 'LimitRange');
export const RESOURCE_QUOTAS = core('resourcequotas', 'ResourceQuota');

// apps/v1
export const DEPLOYMENTS = of('apps', 'v1', 'deployments', 'Deployment');
export const REPLICASETS = of('apps', 'v1', 'replicasets', 'ReplicaSet');
export const STATEFULSETS = of('apps', 'v1', 'statefulsets', 'StatefulSet');
export const DAEMONSETS = of('apps', 'v1', 'daemonsets', 'DaemonSet');
export const CONTROLLER_REVISIONS = of('apps', 'v1', 'controllerrevisions', 'ControllerRevision');

// batch/v1
export const JOBS = of('batch', 'v1', 'jobs', 'Job');
export const CRONJOBS = of('batch', 'v1', 'cronjobs', 'CronJob');

// autoscaling, policy, coordination, discovery, events
export const HORIZONTAL_POD_AUTOSCALERS = of('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler');
export const POD_DISRUPTION_BUDGETS = of('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget');
export const LEASES = of('coordination.k8s.io', 'v1', 'leases', 'Lease');
export const ENDPOINT_SLICES = of('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice');
export const EVENTS_V1 = of('events.k8s.io', 'v1', 'events', 'Event');

// networking, storage, scheduling
export const INGRESSES = of('networking.k8s.io', 'v1', 'ingresses', 'Ingress');
export const INGRESS_CLASSES = of('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', false);
export const NETWORK_POLICIES = of('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy');
export const STORAGE_CLASSES = of('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false);
export const CSI_NODES = of('storage.k8s.io', 'v1', 'csinodes', 'CSINode', false);
export const PRIORITY_CLASSES = of('scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false);

// rbac, certificates, admission, apiextensions
export const ROLES = of('rbac.authorization.k8s.io', 'v1', 'roles', 'Role');
export const ROLE_BINDINGS = of('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding');
export const CLUSTER_ROLES = of('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false);
export const CLUSTER_ROLE_BINDINGS = of('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false);
export const CERTIFICATE_SIGNING_REQUESTS = of('certificates.k8s.io', 'v1', 'certificatesigningrequests', 'CertificateSigningRequest', false);
export const MUTATING_WEBHOOK_CONFIGURATIONS = of('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false);
export const VALIDATING_WEBHOOK_CONFIGURATIONS = of('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false);
export const CUSTOM_RESOURCE_DEFINITIONS = of('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false);

/** "apps/v1" or "v1". */
export const apiVersionOf = (type: ResourceType): string => (type.group ? `${type.group}/${type.version}` : type.version);

/** A stable map key for a resource: "apps/v1/deployments", "/v1/pods". */
export const resourceKey = (type: ResourceType): string => `${type.group}/${type.version}/${type.resource}`;
