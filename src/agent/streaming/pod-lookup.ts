// How the agent server finds a pod's sandbox and containers. The default asks the runtime: every
// kubelet names sandboxes and containers in CRI metadata (pod name/namespace/uid, container
// name/attempt), so no agent state is needed. The kubelet core may pass its own lookup instead.
import { isNotFound, type ContainerRuntime, type ContainerState } from '../runtime/runtime.js';

export interface PodRef {
  podSandboxId: string;
  /** The pod IP (port-forward connects to it); undefined when the sandbox has none. */
  ip?: string;
}

export interface ContainerRef {
  containerId: string;
  podSandboxId: string;
  /** Absolute path of the CRI log file. */
  logPath: string;
  state: ContainerState;
  /** Nanoseconds since the epoch. */
  createdAt: number;
  /** Why the container is not running yet or any more ("ContainerCreating", "Error"...). */
  reason?: string;
}

export interface PodLookup {
  /** The pod's current sandbox on this node; undefined when the pod is not here. */
  pod(namespace: string, name: string): Promise<PodRef | undefined>;
  /** The instances of one container of the pod this node still has, newest first. */
  containers(namespace: string, pod: string, container: string): Promise<ContainerRef[]>;
  /** Whether the container is running now (a followed log ends once it is not). */
  isRunning(containerId: string): Promise<boolean>;
}

export function criPodLookup(runtime: ContainerRuntime): PodLookup {
  const sandboxesOf = async (namespace: string, name: string) =>
    (await runtime.listPodSandbox())
      .filter((s) => s.metadata?.namespace === namespace && s.metadata?.name === name)
      // ready first, then newest
      .sort((a, b) => Number(b.state === 'SANDBOX_READY') - Number(a.state === 'SANDBOX_READY') || b.createdAt - a.createdAt);

  return {
    async pod(namespace, name) {
      const sandbox = (await sandboxesOf(namespace, name))[0];
      if (!sandbox) return undefined;
      const status = await runtime.podSandboxStatus(sandbox.id).catch(() => undefined);
      return { podSandboxId: sandbox.id, ip: status?.status?.network?.ip || undefined };
    },
    async containers(namespace, pod, container) {
      const found: ContainerRef[] = [];
      for (const sandbox of await sandboxesOf(namespace, pod)) {
        for (const c of await runtime.listContainers({ podSandboxId: sandbox.id })) {
          if (c.metadata?.name !== container) continue;
          const status = (await runtime.containerStatus(c.id).catch(() => undefined))?.status;
          if (!status) continue;
          found.push({ containerId: c.id, podSandboxId: sandbox.id, logPath: status.logPath, state: status.state, createdAt: status.createdAt, reason: status.reason || undefined });
        }
      }
      return found.sort((a, b) => b.createdAt - a.createdAt);
    },
    async isRunning(containerId) {
      try {
        return (await runtime.containerStatus(containerId)).status?.state === 'CONTAINER_RUNNING';
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
  };
}
