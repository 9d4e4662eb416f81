// Every resource kite serves, in discovery order. Adding a resource is one line here.
import type { KubeObject } from '../../apimachinery/meta.js';
import type { ResourceDefinition } from './generic/resource.js';
import { configmaps } from './core/configmaps/storage.js';
import { namespaces } from './core/namespaces/storage.js';
import { secrets } from './core/secrets/storage.js';
import { pods } from './core/pods/storage.js';
import { createServicesResource } from './core/services/storage.js';
import { endpoints } from './core/endpoints/storage.js';
import { serviceaccounts } from './core/serviceaccounts/storage.js';
import { nodes } from './core/nodes/storage.js';
import { events } from './core/events/storage.js';
import { persistentvolumes } from './core/persistentvolumes/storage.js';
import { persistentvolumeclaims } from './core/persistentvolumeclaims/storage.js';
import { resourcequotas } from './core/resourcequotas/storage.js';
import { limitranges } from './core/limitranges/storage.js';
import { podtemplates } from './core/podtemplates/storage.js';
import { daemonsets } from './apps/daemonsets/storage.js';
import { deployments } from './apps/deployments/storage.js';
import { replicasets } from './apps/replicasets/storage.js';
import { statefulsets } from './apps/statefulsets/storage.js';
import { jobs } from './batch/jobs/storage.js';
import { cronjobs } from './batch/cronjobs/storage.js';
import { horizontalpodautoscalers } from './autoscaling/horizontalpodautoscalers/storage.js';
import { leases } from './coordination/leases/storage.js';
import { endpointslices } from './discovery/endpointslices/storage.js';
import { ingresses } from './networking/ingresses/storage.js';
import { ingressclasses } from './networking/ingressclasses/storage.js';
import { networkpolicies } from './networking/networkpolicies/storage.js';
import { poddisruptionbudgets } from './policy/poddisruptionbudgets/storage.js';
import { clusterrolebindings } from './rbac/clusterrolebindings/storage.js';
import { clusterroles } from './rbac/clusterroles/storage.js';
import { rolebindings } from './rbac/rolebindings/storage.js';
import { roles } from './rbac/roles/storage.js';
import { storageclasses } from './storage/storageclasses/storage.js';
import { selfSubjectAccessReviews, selfSubjectRulesReviews, subjectAccessReviews } from './authorization/access-reviews.js';
import { selfSubjectReviews } from './authentication/self-subject-reviews.js';
import { certificatesigningrequests } from './certificates/certificatesigningrequests/storage.js';

// A function: every server gets its own services definition (its own IP and node port allocators).
const resources = (): unknown[] => [
  // core/v1
  namespaces,
  configmaps,
  secrets,
  pods,
  createServicesResource(),
  endpoints,
  serviceaccounts,
  nodes,
  events,
  persistentvolumes,
  persistentvolumeclaims,
  resourcequotas,
  limitranges,
  podtemplates,
  // apps/v1
  deployments,
  replicasets,
  daemonsets,
  statefulsets,
  // batch/v1
  jobs,
  cronjobs,
  // autoscaling/v2
  horizontalpodautoscalers,
  // coordination.k8s.io/v1
  leases,
  // discovery.k8s.io/v1
  endpointslices,
  // networking.k8s.io/v1
  ingresses,
  ingressclasses,
  networkpolicies,
  // policy/v1
  poddisruptionbudgets,
  // rbac.authorization.k8s.io/v1
  roles,
  clusterroles,
  rolebindings,
  clusterrolebindings,
  // storage.k8s.io/v1
  storageclasses,
  // authorization.k8s.io/v1
  selfSubjectAccessReviews,
  selfSubjectRulesReviews,
  subjectAccessReviews,
  // authentication.k8s.io/v1
  selfSubjectReviews,
  // certificates.k8s.io/v1
  certificatesigningrequests,
];

export const builtinResources = (): ResourceDefinition<KubeObject>[] => resources() as ResourceDefinition<KubeObject>[];
