// The apps/v1 Deployment shape the controller reads and writes (kubernetes-types with kite's
// ObjectMeta), and the well-known annotation keys and condition reasons (deployment_util.go).
import type * as apps from 'kubernetes-types/apps/v1.js';
import type { ObjectMeta } from '../../apimachinery/meta.js';
import type { PodTemplateSpec } from '../replicaset/types.js';

export type { Pod, PodTemplateSpec, ReplicaSet } from '../replicaset/types.js';
export type { DeploymentCondition, DeploymentStatus } from 'kubernetes-types/apps/v1.js';

export type DeploymentSpec = Omit<apps.DeploymentSpec, 'template'> & { template: PodTemplateSpec };
export type Deployment = Omit<apps.Deployment, 'metadata' | 'spec'> & { metadata?: ObjectMeta; spec?: DeploymentSpec };

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The label a Deployment adds to its ReplicaSets' selectors, templates and pods. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

// Progressing condition reasons.
export const REASON_RS_UPDATED = 'ReplicaSetUpdated';
export const REASON_RS_CREATE_ERROR = 'ReplicaSetCreateError';
export const REASON_NEW_RS_CREATED = 'NewReplicaSetCreated';
export const REASON_FOUND_NEW_RS = 'FoundNewReplicaSet';
export const REASON_NEW_RS_AVAILABLE = 'NewReplicaSetAvailable';
export const REASON_TIMED_OUT = 'ProgressDeadlineExceeded';
export const REASON_PAUSED = 'DeploymentPaused';
export const REASON_RESUMED = 'DeploymentResumed';
// Available condition reasons.
export const REASON_MIN_AVAILABLE = 'MinimumReplicasAvailable';
export const REASON_MIN_UNAVAILABLE = 'MinimumReplicasUnavailable';
