// The core/v1 shapes the scheduler reads. Type-only: the kubernetes-types declarations match
// the wire JSON, so informer objects are used as they arrive.
export type {
  Container,
  ContainerPort,
  Node,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Pod,
  PodCondition,
  PreferredSchedulingTerm,
  Taint,
  Toleration,
} from 'kubernetes-types/core/v1.js';

/** Well-known names the scheduler depends on (k8s.io/api/core/v1 well_known_labels.go, well_known_taints.go). */
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
