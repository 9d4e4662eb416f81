// What one sync of a pod must do, decided from its spec and what the runtime holds: the kubelet's
// computePodActions (pkg/kubelet/kuberuntime/kuberuntime_manager.go) as a pure function, with
// its helpers podSandboxChanged, findNextInitContainerToRun and ShouldContainerBeRestarted.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { ContainerKind } from './labels.js';
import { containerHash } from './labels.js';
import type { ContainerInfo, PodRuntimeState, SandboxInfo } from './runtime-state.js';

export interface ContainerToStart {
  container: Container;
  kind: ContainerKind;
}

export interface ContainerToKill {
  id: string;
  name: string;
  kind: ContainerKind;
  /** Why, for the Killing event: "Stopping container web" or "Container web failed liveness probe, will be restarted". */
  message: string;
  reason: 'spec-changed' | 'liveness' | 'startup' | 'unknown-state' | 'pod-killed';
}

export interface PodActions {
  /** Stop every container and the sandbox (the sandbox changed, or nothing is left to run). */
  killPod: boolean;
  createSandbox: boolean;
  /** The sandbox to keep using when none is created. */
  sandboxId?: string;
  /** CRI attempt of the sandbox to create. */
  sandboxAttempt: number;
  nextInitContainer?: Container;
  containersToStart: ContainerToStart[];
  containersToKill: ContainerToKill[];
}

/** Results of the liveness and startup probes, by container id: only failures matter here. */
export interface ProbeFailures {
  liveness(containerId: string): boolean;
  startup(containerId: string): boolean;
}

const noFailures: ProbeFailures = { liveness: () => false, startup: () => false };

export const restartPolicyOf = (pod: Pod): 'Always' | 'OnFailure' | 'Never' =>
  (pod.spec?.restartPolicy as 'Always' | 'OnFailure' | 'Never' | undefined) ?? 'Always';

const shouldRestartOnFailure = (pod: Pod): boolean => restartPolicyOf(pod) !== 'Never';

/** The newest instance of `name` (init and regular names are unique within a pod). */
export function findContainer(state: PodRuntimeState, name: string, kind?: ContainerKind): ContainerInfo | undefined {
  return state.containers.find((c) => c.name === name && (kind === undefined || c.kind === kind));
}

/** The kubelet's ShouldContainerBeRestarted. */
export function shouldContainerBeRestarted(container: Container, pod: Pod, state: PodRuntimeState, kind: ContainerKind = 'regular'): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  const status = findContainer(state, container.name, kind);
  if (!status) return true;
  if (status.state === 'CONTAINER_RUNNING') return false;
  if (status.state === 'CONTAINER_UNKNOWN' || status.state === 'CONTAINER_CREATED') return true;
  const policy = restartPolicyOf(pod);
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && status.exitCode === 0) return false;
  return true;
}

const isInitFailed = (c: ContainerInfo): boolean => c.state === 'CONTAINER_UNKNOWN' || (c.state === 'CONTAINER_EXITED' && c.exitCode !== 0);

/** podSandboxChanged: whether a (new) sandbox must be created, with which attempt, and the current one. */
export function sandboxChanged(pod: Pod, sandboxes: SandboxInfo[]): { create: boolean; attempt: number; sandbox?: SandboxInfo } {
  const latest = sandboxes[0];
  if (!latest) return { create: true, attempt: 0 };
  const ready = sandboxes.filter((s) => s.state === 'SANDBOX_READY').length;
  if (ready > 1 || latest.state !== 'SANDBOX_READY') return { create: true, attempt: latest.attempt + 1, sandbox: latest };
  if (!pod.spec?.hostNetwork && latest.ips.length === 0) return { create: true, attempt: latest.attempt + 1, sandbox: latest };
  return { create: false, attempt: latest.attempt, sandbox: latest };
}

/**
 * findNextInitContainerToRun: the last failed init container (with its status) if one failed, else
 * the next one to run; done when every init container succeeded (or a regular one already runs).
 */
export function nextInitContainer(pod: Pod, state: PodRuntimeState): { failed?: ContainerInfo; next?: Container; done: boolean } {
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length === 0) return { done: true };
  for (const c of pod.spec?.containers ?? []) {
    if (findContainer(state, c.name, 'regular')?.state === 'CONTAINER_RUNNING') return { done: true };
  }
  for (let i = inits.length - 1; i >= 0; i--) {
    const status = findContainer(state, inits[i]!.name, 'init');
    if (status && isInitFailed(status)) return { failed: status, next: inits[i], done: false };
  }
  for (let i = inits.length - 1; i >= 0; i--) {
    const status = findContainer(state, inits[i]!.name, 'init');
    if (!status) continue;
    if (status.state === 'CONTAINER_RUNNING') return { done: false };
    if (status.state === 'CONTAINER_EXITED') return i === inits.length - 1 ? { done: true } : { next: inits[i + 1], done: false };
    // CONTAINER_CREATED: it never ran; start it again.
    return { next: inits[i], done: false };
  }
  return { next: inits[0], done: false };
}

export function computePodActions(pod: Pod, state: PodRuntimeState, probes: ProbeFailures = noFailures): PodActions {
  const sb = sandboxChanged(pod, state.sandboxes);
  const actions: PodActions = {
    killPod: sb.create,
    createSandbox: sb.create,
    sandboxId: sb.create ? undefined : sb.sandbox?.id,
    sandboxAttempt: sb.attempt,
    containersToStart: [],
    containersToKill: [],
  };
  const containers = pod.spec?.containers ?? [];

  if (sb.create) {
    // A pod that must not restart and already ran is not brought back in a new sandbox.
    if (!shouldRestartOnFailure(pod) && sb.attempt !== 0 && state.containers.length > 0) {
      actions.createSandbox = false;
      return actions;
    }
    const toStart = containers.filter((c) => !(restartPolicyOf(pod) === 'OnFailure' && succeeded(findContainer(state, c.name, 'regular'))));
    if (toStart.length === 0) {
      actions.createSandbox = false;
      return actions;
    }
    const inits = pod.spec?.initContainers ?? [];
    if (inits.length > 0) actions.nextInitContainer = inits[0];
    else actions.containersToStart = toStart.map((container) => ({ container, kind: 'regular' }));
    return actions;
  }

  const init = nextInitContainer(pod, state);
  if (!init.done) {
    if (init.next) {
      if (init.failed && !shouldRestartOnFailure(pod)) {
        actions.killPod = true;
      } else {
        if (init.failed?.state === 'CONTAINER_UNKNOWN') {
          actions.containersToKill.push({ id: init.failed.id, name: init.failed.name, kind: 'init', reason: 'unknown-state', message: `Stopping container ${init.failed.name}` });
        }
        actions.nextInitContainer = init.next;
      }
    }
    return actions;
  }

  let keep = 0;
  for (const container of containers) {
    const status = findContainer(state, container.name, 'regular');
    if (!status || status.state !== 'CONTAINER_RUNNING') {
      if (shouldContainerBeRestarted(container, pod, state)) {
        actions.containersToStart.push({ container, kind: 'regular' });
        if (status?.state === 'CONTAINER_UNKNOWN') {
          actions.containersToKill.push({ id: status.id, name: status.name, kind: 'regular', reason: 'unknown-state', message: `Stopping container ${status.name}` });
        }
      }
      continue;
    }
    let restart = shouldRestartOnFailure(pod);
    let message: string;
    let reason: ContainerToKill['reason'];
    if (status.hash && status.hash !== containerHash(container)) {
      message = `Container ${container.name} definition changed`;
      reason = 'spec-changed';
      restart = true;
    } else if (probes.liveness(status.id)) {
      message = `Container ${container.name} failed liveness probe`;
      reason = 'liveness';
    } else if (probes.startup(status.id)) {
      message = `Container ${container.name} failed startup probe`;
      reason = 'startup';
    } else {
      keep++;
      continue;
    }
    if (restart) {
      message = `${message}, will be restarted`;
      actions.containersToStart.push({ container, kind: 'regular' });
    }
    actions.containersToKill.push({ id: status.id, name: status.name, kind: 'regular', reason, message });
  }
  if (keep === 0 && actions.containersToStart.length === 0) actions.killPod = true;
  return actions;
}

const succeeded = (c: ContainerInfo | undefined): boolean => c?.state === 'CONTAINER_EXITED' && c.exitCode === 0;
