// One sync of one pod against the runtime: the kubelet's kubeGenericRuntimeManager SyncPod,
// KillPod and container garbage collection. Decides with computePodActions, then acts:
// kill what must go, create the sandbox, start the next init container or the app containers
// (respecting CrashLoopBackOff), and records each container's start failure for the status.
import { bulkhead } from 'cockatiel';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Log } from '../../client/controller-base.js';
import { isNotFound, type ContainerRuntime } from '../runtime/runtime.js';
import type { AuthConfig, PodSandboxConfig } from '../runtime/types.js';
import type { Backoff } from './backoff.js';
import { type ContainerOpsDeps, containerRef, goDuration, startContainer, stopContainer } from './container-ops.js';
import { type ContainerKind, formatPod, sandboxLabels } from './labels.js';
import { computePodActions, findContainer } from './pod-actions.js';
import type { StartFailure } from './pod-status.js';
import type { PodRuntimeState } from './runtime-state.js';
import type { PodConfigBuilder, ProbeResults } from './seams.js';
import { tracePod } from './trace.js';

export interface PodSyncDeps extends ContainerOpsDeps {
  runtime: ContainerRuntime;
  builder: PodConfigBuilder;
  probes: ProbeResults;
  /** CrashLoopBackOff windows, keyed "<uid>/<kind>/<name>". */
  crashBackoff: Backoff;
  /** Registry credentials from the pod's imagePullSecrets. */
  pullCredentials(pod: Pod, image: string): Promise<AuthConfig[]>;
  log: Log;
  /**
   * RunPodSandbox calls in flight at once (0: no limit). A burst of pods otherwise sends them all
   * to containerd together: none finishes sooner on 2 cores, and the process (the API server too,
   * for the embedded agent) stalls for a second at a time while they all come back together.
   */
  sandboxConcurrency?: number;
}

export interface SyncOutcome {
  /** Sync again after this long (a backoff window closes); undefined: only on events. */
  requeueAfterMs?: number;
}

/** The kubelet's backOffPeriod: how soon a pod whose image pull failed is synced again. */
const IMAGE_PULL_RETRY_MS = 10_000;
const backoffKey = (pod: Pod, kind: ContainerKind, name: string): string => `${pod.metadata?.uid ?? ''}/${kind}/${name}`;

/** The grace period of a container being stopped: the deletion's, else the pod's (or a failed probe's own). */
export function gracePeriodFor(pod: Pod, spec: Container | undefined, reason?: 'liveness' | 'startup'): number {
  if (pod.metadata?.deletionGracePeriodSeconds !== undefined && pod.metadata.deletionTimestamp) return pod.metadata.deletionGracePeriodSeconds;
  const probe = reason === 'liveness' ? spec?.livenessProbe : reason === 'startup' ? spec?.startupProbe : undefined;
  return probe?.terminationGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
}

/** RunPodSandbox calls at once by default (see PodSyncDeps.sandboxConcurrency). */
export const DEFAULT_SANDBOX_CONCURRENCY = 4;

export class PodSync {
  readonly #sandboxStarts;

  constructor(readonly deps: PodSyncDeps) {
    const limit = deps.sandboxConcurrency ?? DEFAULT_SANDBOX_CONCURRENCY;
    this.#sandboxStarts = limit > 0 ? bulkhead(limit, Infinity) : undefined;
  }

  /**
   * Brings the runtime in line with the pod. `failures` is the pod's reason cache: a container's
   * entry is set when its start fails and cleared when it starts.
   */
  async syncPod(pod: Pod, state: PodRuntimeState, failures: Map<string, StartFailure>): Promise<SyncOutcome> {
    const { runtime, record } = this.deps;
    const actions = computePodActions(pod, state, {
      liveness: (id) => this.deps.probes.livenessFailed(id),
      startup: (id) => this.deps.probes.startupFailed(id),
    });
    const podIPs = state.sandboxes[0]?.ips ?? [];

    if (actions.createSandbox && state.sandboxes.length > 0) {
      record(podRef(pod), 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
    }
    if (actions.killPod) {
      await this.killPod(pod, state);
      if (!actions.createSandbox) return {};
    } else {
      for (const kill of actions.containersToKill) {
        const spec = specOf(pod, kill.name, kill.kind);
        const probeReason = kill.reason === 'liveness' || kill.reason === 'startup' ? kill.reason : undefined;
        await stopContainer(this.deps, {
          pod, spec, kind: kill.kind, containerId: kill.id, podIP: podIPs[0] ?? '', message: kill.message,
          gracePeriodSeconds: gracePeriodFor(pod, spec, probeReason),
        });
      }
    }

    let sandboxId = actions.sandboxId;
    let sandboxConfig: PodSandboxConfig;
    let ips = podIPs;
    if (actions.createSandbox) {
      // A new sandbox runs the init containers from the start: old instances would confuse their order.
      for (const c of state.containers) if (c.kind === 'init') await runtime.removeContainer(c.id).catch(ignoreNotFound);
      try {
        await this.deps.builder.preparePod(pod);
        tracePod(pod.metadata?.uid, 'prepared');
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        record(podRef(pod), 'Warning', 'FailedMount', `Unable to attach or mount volumes: ${message}`);
        return { requeueAfterMs: 5_000 };
      }
      try {
        sandboxConfig = await this.#sandboxConfig(pod, actions.sandboxAttempt);
        tracePod(pod.metadata?.uid, 'sandbox-config');
        const config = sandboxConfig;
        sandboxId = await (this.#sandboxStarts ? this.#sandboxStarts.execute(() => runtime.runPodSandbox(config)) : runtime.runPodSandbox(config));
        tracePod(pod.metadata?.uid, 'sandbox');
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        record(podRef(pod), 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${message}`);
        this.deps.log('sandbox creation failed', { pod: formatPod(pod), error: message });
        return { requeueAfterMs: 5_000 };
      }
      const net = (await runtime.podSandboxStatus(sandboxId)).status?.network;
      ips = [net?.ip ?? '', ...(net?.additionalIps ?? []).map((a) => a.ip)].filter(Boolean);
      tracePod(pod.metadata?.uid, 'sandbox-status');
    } else {
      sandboxConfig = await this.#sandboxConfig(pod, actions.sandboxAttempt);
    }
    if (!sandboxId) return {};

    let requeueAfterMs: number | undefined;
    const start = async (container: Container, kind: ContainerKind): Promise<boolean> => {
      const backoff = this.#inBackOff(pod, container, kind, state);
      if (backoff) {
        failures.set(container.name, backoff.failure);
        requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, backoff.remainingMs + 50);
        return false;
      }
      const latest = findContainer(state, container.name, kind);
      const failure = await startContainer(this.deps, {
        pod, container, kind, restartCount: latest ? latest.restartCount + 1 : 0, sandboxId: sandboxId!, sandboxConfig, podIPs: ips,
        auths: await this.deps.pullCredentials(pod, container.image ?? ''),
      });
      if (failure) {
        failures.set(container.name, failure);
        if (failure.reason === 'ErrImagePull' || failure.reason === 'ImagePullBackOff') {
          // The kubelet's pod worker retries a failed sync every 10 s, not when the pull backoff
          // ends, so syncs inside the window show ImagePullBackOff between pull attempts.
          requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, IMAGE_PULL_RETRY_MS);
        } else {
          requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, 5_000);
        }
        return false;
      }
      failures.delete(container.name);
      return true;
    };

    if (actions.nextInitContainer) {
      await start(actions.nextInitContainer, 'init');
      return { requeueAfterMs };
    }
    for (const { container, kind } of actions.containersToStart) await start(container, kind);
    return { requeueAfterMs };
  }

  /** The builder's sandbox config with the metadata and labels the agent finds its pods by. */
  async #sandboxConfig(pod: Pod, attempt: number): Promise<PodSandboxConfig> {
    const config = await this.deps.builder.sandboxConfig(pod, attempt);
    config.metadata = { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', uid: pod.metadata?.uid ?? '', attempt };
    config.labels = { ...config.labels, ...sandboxLabels(pod, this.deps.nodeName) };
    return config;
  }

  /** doBackOff: the CrashLoopBackOff failure while the last exit's window is open; opens the next window otherwise. */
  #inBackOff(pod: Pod, container: Container, kind: ContainerKind, state: PodRuntimeState): { failure: StartFailure; remainingMs: number } | undefined {
    const last = state.containers.find((c) => c.kind === kind && c.name === container.name && c.state === 'CONTAINER_EXITED');
    if (!last) return undefined;
    const key = backoffKey(pod, kind, container.name);
    const backoff = this.deps.crashBackoff;
    if (backoff.isInBackOffSince(key, last.finishedAt)) {
      this.deps.record(containerRef(pod, container.name, kind), 'Warning', 'BackOff', `Back-off restarting failed container ${container.name} in pod ${formatPod(pod)}`);
      return {
        failure: { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(backoff.get(key))} restarting failed container=${container.name} pod=${formatPod(pod)}` },
        remainingMs: backoff.remaining(key, last.finishedAt),
      };
    }
    backoff.next(key, last.finishedAt);
    return undefined;
  }

  /**
   * Stops every running container of the pod (preStop hooks first, all in parallel) and then its
   * sandboxes. `pod` may be a stand-in built from labels when the API object is gone.
   */
  async killPod(pod: Pod, state: PodRuntimeState, gracePeriodOverride?: number): Promise<void> {
    const podIP = state.sandboxes[0]?.ips[0] ?? '';
    const running = state.containers.filter((c) => c.state === 'CONTAINER_RUNNING' || c.state === 'CONTAINER_CREATED' || c.state === 'CONTAINER_UNKNOWN');
    await Promise.all(running.map(async (c) => {
      const spec = specOf(pod, c.name, c.kind);
      const grace = gracePeriodOverride ?? (spec || pod.metadata?.deletionTimestamp ? gracePeriodFor(pod, spec) : (c.terminationGracePeriodSeconds ?? 30));
      try {
        await stopContainer(this.deps, {
          pod, spec: spec ?? ({ name: c.name } as Container), kind: c.kind, containerId: c.id, podIP, gracePeriodSeconds: grace,
          message: c.state === 'CONTAINER_RUNNING' ? `Stopping container ${c.name}` : undefined,
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }));
    for (const s of state.sandboxes) {
      if (s.state === 'SANDBOX_READY') await this.deps.runtime.stopPodSandbox(s.id).catch(ignoreNotFound);
    }
  }

  /** Removes the pod's sandboxes (and so their containers); the caller removes cgroups and files. */
  async removeSandboxes(state: PodRuntimeState): Promise<void> {
    for (const s of state.sandboxes) {
      await this.deps.runtime.stopPodSandbox(s.id).catch(ignoreNotFound);
      await this.deps.runtime.removePodSandbox(s.id);
    }
  }

  /**
   * Container GC for a live pod: keeps the two newest instances of each container (the current
   * one and the one its lastState and `logs --previous` show), removes older exited ones, and
   * removes stopped sandboxes, other than the newest, that hold no kept container.
   */
  async gc(state: PodRuntimeState): Promise<void> {
    const seen = new Map<string, number>();
    const kept = new Set<string>();
    for (const c of state.containers) {
      const key = `${c.kind}/${c.name}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (n <= 2 || c.state !== 'CONTAINER_EXITED') {
        kept.add(c.sandboxId);
        continue;
      }
      await this.deps.runtime.removeContainer(c.id).catch(ignoreNotFound);
    }
    for (const s of state.sandboxes.slice(1)) {
      if (s.state === 'SANDBOX_NOTREADY' && !kept.has(s.id)) await this.deps.runtime.removePodSandbox(s.id).catch(ignoreNotFound);
    }
  }
}

function specOf(pod: Pod, name: string, kind: ContainerKind): Container | undefined {
  const list = kind === 'init' ? pod.spec?.initContainers : pod.spec?.containers;
  return list?.find((c) => c.name === name);
}

export function podRef(pod: Pod): { kind: string; apiVersion: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string } {
  return { kind: 'Pod', apiVersion: 'v1', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid, resourceVersion: pod.metadata?.resourceVersion };
}

function ignoreNotFound(err: unknown): void {
  if (!isNotFound(err)) throw err;
}
