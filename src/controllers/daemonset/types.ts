// The apps/v1 DaemonSet shape the controller reads and writes (type-only: the kubernetes-types
// declarations match the wire JSON; metadata is kite's ObjectMeta so objects fit ApiObject).
import type * as apps from 'kubernetes-types/apps/v1.js';
import type { ObjectMeta } from '../../apimachinery/meta.js';
import type { Pod, PodTemplateSpec } from '../replicaset/types.js';

export type { Node, NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from 'kubernetes-types/core/v1.js';
export type { DaemonSetStatus } from 'kubernetes-types/apps/v1.js';
export type { Pod, PodTemplateSpec };

export type DaemonSetSpec = Omit<apps.DaemonSetSpec, 'template'> & { template: PodTemplateSpec };

export type DaemonSet = Omit<apps.DaemonSet, 'metadata' | 'spec'> & { metadata?: ObjectMeta; spec?: DaemonSetSpec };

/** The label that carries the template hash on every pod (apps.DefaultDaemonSetUniqueLabelKey). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
