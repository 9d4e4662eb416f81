// What the pod workers need from the agent's other parts, as interfaces: turning a pod into CRI
// configs (kuberuntime/ + volumes/) and probing containers (probes/). The workers depend only on
// these, so unit tests pass small fakes and the agent wires the real modules in agent.ts.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerConfig, PodSandboxConfig } from '../runtime/types.js';
import type { ContainerKind } from './labels.js';

export interface ContainerConfigContext {
  kind: ContainerKind;
  restartCount: number;
  /** The image id EnsureImage resolved (create the container from it). */
  imageRef: string;
  podIPs: string[];
  sandboxId: string;
  sandboxConfig: PodSandboxConfig;
}

/**
 * A failure to build a container's config (a missing ConfigMap or Secret, a bad volume): the
 * container waits with reason CreateContainerConfigError and this message.
 */
export { CreateContainerConfigError as ContainerConfigError } from '../kuberuntime/errors.js';

export interface PodConfigBuilder {
  /** Prepares what the sandbox needs on the host (volumes, /etc/hosts, log directory). Idempotent. */
  preparePod(pod: Pod): Promise<void>;
  /** The sandbox config of `pod` for sandbox `attempt`; the same pod and attempt always give the same config. */
  sandboxConfig(pod: Pod, attempt: number): Promise<PodSandboxConfig>;
  /**
   * The container config (image, command, env with references resolved, mounts, security context,
   * resources, log path). Labels and annotations of labels.ts are merged over whatever it sets.
   * Throws ContainerConfigError for the user's mistakes.
   */
  containerConfig(pod: Pod, container: Container, ctx: ContainerConfigContext): Promise<ContainerConfig>;
  /** Removes the pod's host files (volumes, directories) after its sandbox is gone. */
  cleanupPod(uid: string): Promise<void>;
  /** Uids of the pods that have host files (housekeeping cleans those of pods gone while the agent was down). */
  podsOnDisk(): Promise<string[]>;
  /** Hands over a newer pod object (its labels and annotations feed downwardAPI volumes). */
  observePod?(pod: Pod): void;
}

/** A running container as the prober needs to know it. */
export interface ProbeTarget {
  id: string;
  name: string;
  /** When it started (ms): initialDelaySeconds counts from here. */
  startedAt: number;
}

/** Probe results, by container id. Unknown ids are treated like containers without probes. */
export interface ProbeResults {
  /** Readiness: false until the first success for a container with a readinessProbe. */
  ready(containerId: string): boolean;
  /** Startup probe passed (true without one). */
  started(containerId: string): boolean;
  /** The liveness probe failed failureThreshold times: kill the container. */
  livenessFailed(containerId: string): boolean;
  /** The startup probe failed failureThreshold times. */
  startupFailed(containerId: string): boolean;
}

export interface PodProber extends ProbeResults {
  /** After each sync: (re)starts probe workers for the pod's running containers, stops the others. */
  updatePod(pod: Pod, podIP: string, running: ProbeTarget[]): void;
  /** Stops every worker of the pod and forgets its results. */
  removePod(uid: string): void;
  /** Called when a result of the pod changes (readiness flipped, liveness failed): the pod is synced again. */
  onChange(listener: (podUid: string) => void): void;
  stop(): void;
}

/** A prober for pods without probes, and the fallback until probes are wired. */
export class NoProbes implements PodProber {
  ready(_containerId: string): boolean {
    return true;
  }
  started(_containerId: string): boolean {
    return true;
  }
  livenessFailed(_containerId: string): boolean {
    return false;
  }
  startupFailed(_containerId: string): boolean {
    return false;
  }
  updatePod(_pod: Pod, _podIP: string, _running: ProbeTarget[]): void {}
  removePod(_uid: string): void {}
  onChange(_listener: (podUid: string) => void): void {}
  stop(): void {}
}
