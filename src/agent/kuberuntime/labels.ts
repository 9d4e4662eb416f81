// The labels and annotations the kubelet puts on sandboxes and containers (kuberuntime/labels.go),
// and reading them back from what the runtime lists: the agent finds its pods and containers, their
// restart counts and spec hashes, from these alone after a restart.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Labels } from '../runtime/types.js';

export const POD_NAME_LABEL = 'io.kubernetes.pod.name';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
export const POD_UID_LABEL = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME_LABEL = 'io.kubernetes.container.name';

export const CONTAINER_HASH_ANNOTATION = 'io.kubernetes.container.hash';
export const CONTAINER_RESTART_COUNT_ANNOTATION = 'io.kubernetes.container.restartCount';
export const TERMINATION_MESSAGE_PATH_ANNOTATION = 'io.kubernetes.container.terminationMessagePath';
export const TERMINATION_MESSAGE_POLICY_ANNOTATION = 'io.kubernetes.container.terminationMessagePolicy';
export const POD_DELETION_GRACE_ANNOTATION = 'io.kubernetes.pod.deletionGracePeriod';
export const POD_TERMINATION_GRACE_ANNOTATION = 'io.kubernetes.pod.terminationGracePeriod';
export const CONTAINER_PRESTOP_ANNOTATION = 'io.kubernetes.container.preStopHandler';
export const CONTAINER_PORTS_ANNOTATION = 'io.kubernetes.container.ports';

/** Sandbox labels: the pod's labels plus name, namespace and uid. */
export function podSandboxLabels(pod: Pod): Labels {
  const m = pod.metadata ?? {};
  return { ...(m.labels ?? {}), [POD_NAME_LABEL]: m.name ?? '', [POD_NAMESPACE_LABEL]: m.namespace ?? '', [POD_UID_LABEL]: m.uid ?? '' };
}

/** Sandbox annotations: the pod's annotations. */
export const podSandboxAnnotations = (pod: Pod): Labels => ({ ...(pod.metadata?.annotations ?? {}) });

/** Container labels: the pod's identity and the container name (not the pod's labels). */
export function containerLabels(pod: Pod, container: Container): Labels {
  const m = pod.metadata ?? {};
  return { [POD_NAME_LABEL]: m.name ?? '', [POD_NAMESPACE_LABEL]: m.namespace ?? '', [POD_UID_LABEL]: m.uid ?? '', [CONTAINER_NAME_LABEL]: container.name };
}

/** FNV-1a, 32 bit. */
function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * The container's spec hash (hex), over the fields a running container cannot change in place
 * (name and image, as kubelet 1.31+): a different hash means the container must be restarted.
 */
export const containerHash = (container: Container): string => fnv32a(JSON.stringify({ name: container.name, image: container.image ?? '' })).toString(16);

export function containerAnnotations(pod: Pod, container: Container, restartCount: number): Labels {
  const out: Labels = {
    [CONTAINER_HASH_ANNOTATION]: containerHash(container),
    [CONTAINER_RESTART_COUNT_ANNOTATION]: String(restartCount),
    [TERMINATION_MESSAGE_PATH_ANNOTATION]: container.terminationMessagePath ?? '/dev/termination-log',
    [TERMINATION_MESSAGE_POLICY_ANNOTATION]: container.terminationMessagePolicy ?? 'File',
  };
  if (pod.metadata?.deletionGracePeriodSeconds != null) out[POD_DELETION_GRACE_ANNOTATION] = String(pod.metadata.deletionGracePeriodSeconds);
  if (pod.spec?.terminationGracePeriodSeconds != null) out[POD_TERMINATION_GRACE_ANNOTATION] = String(pod.spec.terminationGracePeriodSeconds);
  if (container.lifecycle?.preStop) out[CONTAINER_PRESTOP_ANNOTATION] = JSON.stringify(container.lifecycle.preStop);
  if (container.ports?.length) out[CONTAINER_PORTS_ANNOTATION] = JSON.stringify(container.ports);
  return out;
}

export interface ContainerIdentity {
  podName: string;
  podNamespace: string;
  podUid: string;
  containerName: string;
  /** 0 when the annotation is missing or malformed. */
  restartCount: number;
  hash: string;
  terminationMessagePath: string;
  terminationMessagePolicy: string;
  terminationGracePeriodSeconds?: number;
}

/** Reads back what containerLabels/containerAnnotations wrote. */
export function parseContainerLabels(labels: Labels, annotations: Labels): ContainerIdentity {
  const restart = Number.parseInt(annotations[CONTAINER_RESTART_COUNT_ANNOTATION] ?? '', 10);
  const grace = Number.parseInt(annotations[POD_TERMINATION_GRACE_ANNOTATION] ?? '', 10);
  return {
    podName: labels[POD_NAME_LABEL] ?? '',
    podNamespace: labels[POD_NAMESPACE_LABEL] ?? '',
    podUid: labels[POD_UID_LABEL] ?? '',
    containerName: labels[CONTAINER_NAME_LABEL] ?? '',
    restartCount: Number.isFinite(restart) ? restart : 0,
    hash: annotations[CONTAINER_HASH_ANNOTATION] ?? '',
    terminationMessagePath: annotations[TERMINATION_MESSAGE_PATH_ANNOTATION] ?? '',
    terminationMessagePolicy: annotations[TERMINATION_MESSAGE_POLICY_ANNOTATION] ?? '',
    ...(Number.isFinite(grace) ? { terminationGracePeriodSeconds: grace } : {}),
  };
}
