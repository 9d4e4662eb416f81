// The labels and annotations on CRI sandboxes and containers: the kubelet's keys come from
// kuberuntime/labels.ts (one definition for the whole agent); the pod workers add two of kite's
// own. They are how the agent finds its pods again after a restart.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import * as kube from '../kuberuntime/labels.js';
import type { Labels } from '../runtime/types.js';

export {
  CONTAINER_HASH_ANNOTATION, CONTAINER_NAME_LABEL, CONTAINER_RESTART_COUNT_ANNOTATION, POD_NAME_LABEL, POD_NAMESPACE_LABEL,
  POD_TERMINATION_GRACE_ANNOTATION, POD_UID_LABEL, TERMINATION_MESSAGE_PATH_ANNOTATION, TERMINATION_MESSAGE_POLICY_ANNOTATION,
  containerHash,
} from '../kuberuntime/labels.js';

/** kite-only: "init" or "regular", so an init container is never taken for an app container. */
export const CONTAINER_KIND_ANNOTATION = 'kite.dev/container-kind';
/** kite-only: what kite's agent made (tells its sandboxes from another kubelet's on a shared containerd). */
export const MANAGED_BY_LABEL = 'kite.dev/managed-by';
export const MANAGED_BY_VALUE = 'kite-agent';
/** kite-only: the node whose agent made it, so two agents sharing one containerd (tests, a shared CRI endpoint) never take each other's pods for orphans. */
export const NODE_LABEL = 'kite.dev/node';

/** The label selector of everything one node's agent made. */
export const ownedBy = (nodeName: string): Labels => ({ [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [NODE_LABEL]: nodeName });

export type ContainerKind = 'init' | 'regular';

export const sandboxLabels = (pod: Pod, nodeName: string): Labels => ({ ...kube.podSandboxLabels(pod), ...ownedBy(nodeName) });

export const containerLabels = (pod: Pod, container: Container, nodeName: string): Labels => ({ ...kube.containerLabels(pod, container), ...ownedBy(nodeName) });

export const containerAnnotations = (pod: Pod, container: Container, kind: ContainerKind, restartCount: number): Labels => ({
  ...kube.containerAnnotations(pod, container, restartCount),
  [CONTAINER_KIND_ANNOTATION]: kind,
});

/** "name_namespace(uid)", the kubelet's format.Pod, used in its messages. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}
