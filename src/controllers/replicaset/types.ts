// The apps/v1 and core/v1 shapes the ReplicaSet and Deployment controllers read and write.
// Type-only: the kubernetes-types declarations match the wire JSON; metadata is kite's ObjectMeta
// so objects fit the client's ApiObject.
import type * as apps from 'kubernetes-types/apps/v1.js';
import type * as core from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from '../../apimachinery/meta.js';

export type { PodCondition, PodSpec } from 'kubernetes-types/core/v1.js';
export type { ReplicaSetCondition, ReplicaSetStatus } from 'kubernetes-types/apps/v1.js';

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: core.PodSpec;
}

export type Pod = Omit<core.Pod, 'metadata'> & { metadata?: ObjectMeta };

export type ReplicaSetSpec = Omit<apps.ReplicaSetSpec, 'template'> & { template?: PodTemplateSpec };

export type ReplicaSet = Omit<apps.ReplicaSet, 'metadata' | 'spec'> & { metadata?: ObjectMeta; spec?: ReplicaSetSpec };

/** kube-controller-manager's well-known names used by both controllers. */
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';
