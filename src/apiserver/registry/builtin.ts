// Every resource kite serves, in discovery order. Adding a resource is one line here.
import type { KubeObject } from '../../apimachinery/meta.js';
import type { ResourceDefinition } from './generic/resource.js';
import { configmaps } from './core/configmaps/storage.js';
import { namespaces } from './core/namespaces/storage.js';
import { secrets } from './core/secrets/storage.js';
import { pods } from './core/pods/storage.js';
import { createServicesResource } from './core/services/storage.js';
import { daemonsets } from './apps/daemonsets/storage.js';
import { deployments } from './apps/deployments/storage.js';
import { replicasets } from './apps/replicasets/storage.js';
import { statefulsets } from './apps/statefulsets/storage.js';
import { selfSubjectAccessReviews, selfSubjectRulesReviews } from './authorization/access-reviews.js';

// A function: every server gets its own services definition (its own IP and node port allocators).
const resources = (): unknown[] => [
  // core/v1
  namespaces,
  configmaps,
  secrets,
  pods,
  createServicesResource(),
  // apps/v1
  deployments,
  replicasets,
  daemonsets,
  statefulsets,
  // authorization.k8s.io/v1
  selfSubjectAccessReviews,
  selfSubjectRulesReviews,
];

export const builtinResources = (): ResourceDefinition<KubeObject>[] => resources() as ResourceDefinition<KubeObject>[];
