// The core/v1 shapes the scheduler reads. Type-only: the kubernetes-types declarations match
// the wire JSON, so informer objects are used as they arrive; metadata is kite's ObjectMeta so
// pods and nodes fit the client's ApiObject.
import type * as core from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from '../apimachinery/meta.js';

export type {
  Container,
  ContainerPort,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodCondition,
  PreferredSchedulingTerm,
  Taint,
  Toleration,
} from 'kubernetes-types/core/v1.js';

export type Pod = Omit<core.Pod, 'metadata'> & { metadata?: ObjectMeta };
export type Node = Omit<core.Node, 'metadata'> & { metadata?: ObjectMeta };

/** Well-known names the scheduler depends on (k8s.io/api/core/v1 well_known_labels.go, well_known_taints.go). */
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
