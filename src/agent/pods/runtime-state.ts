// What the runtime holds for one pod, read through CRI by the pod uid label (the kubelet's
// kubecontainer.PodStatus): its sandboxes and every container instance, newest first, with times
// in milliseconds and the kubelet's annotations decoded.
import { readFile } from 'node:fs/promises';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { isNotFound } from '../runtime/runtime.js';
import type { ContainerState, ContainerStatus, PodSandboxState } from '../runtime/types.js';
import {
  CONTAINER_HASH_ANNOTATION, CONTAINER_KIND_ANNOTATION, CONTAINER_NAME_LABEL, CONTAINER_RESTART_COUNT_ANNOTATION,
  type ContainerKind, POD_TERMINATION_GRACE_ANNOTATION, POD_UID_LABEL, TERMINATION_MESSAGE_PATH_ANNOTATION,
  TERMINATION_MESSAGE_POLICY_ANNOTATION,
} from './labels.js';

export interface SandboxInfo {
  id: string;
  attempt: number;
  state: PodSandboxState;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Pod IPs, primary first; empty for host-network pods or a sandbox without network. */
  ips: string[];
}

export interface ContainerInfo {
  id: string;
  sandboxId: string;
  name: string;
  kind: ContainerKind;
  /** CRI metadata attempt (the kubelet sets it to the restart count). */
  attempt: number;
  restartCount: number;
  hash: string;
  state: ContainerState;
  /** Milliseconds since the epoch; 0 when not reached. */
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  image: string;
  imageRef: string;
  logPath: string;
  terminationGracePeriodSeconds?: number;
}

export interface PodRuntimeState {
  uid: string;
  /** The pod's name and namespace as its newest sandbox records them. */
  name?: string;
  namespace?: string;
  /** Newest first. */
  sandboxes: SandboxInfo[];
  /** Every container instance of the pod, newest first. */
  containers: ContainerInfo[];
}

const nsToMs = (ns: number): number => (ns > 0 ? Math.floor(ns / 1e6) : 0);
const MAX_TERMINATION_MESSAGE = 4096;

/** Reads a pod's sandboxes and containers; tolerates objects vanishing between list and status. */
export async function readPodRuntimeState(runtime: ContainerRuntime, uid: string): Promise<PodRuntimeState> {
  const selector = { [POD_UID_LABEL]: uid };
  const [listed, containers] = await Promise.all([
    runtime.listPodSandbox({ labelSelector: selector }),
    runtime.listContainers({ labelSelector: selector }),
  ]);
  // Every status at once: each is a round trip to the runtime, and a pod start waits on them.
  const sorted = listed.sort((a, b) => b.createdAt - a.createdAt);
  const [sandboxStates, containerStates] = await Promise.all([
    Promise.all(sorted.map(async (s): Promise<SandboxInfo | undefined> => {
      let ips: string[] = [];
      if (s.state === 'SANDBOX_READY') {
        try {
          const net = (await runtime.podSandboxStatus(s.id)).status?.network;
          ips = [net?.ip ?? '', ...(net?.additionalIps ?? []).map((a) => a.ip)].filter(Boolean);
        } catch (err) {
          if (!isNotFound(err)) throw err;
          return undefined;
        }
      }
      return { id: s.id, attempt: s.metadata?.attempt ?? 0, state: s.state, createdAt: nsToMs(s.createdAt), ips };
    })),
    Promise.all(containers.map(async (c): Promise<ContainerInfo | undefined> => {
      let status: ContainerStatus | undefined;
      try {
        status = (await runtime.containerStatus(c.id)).status;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return status ? toContainerInfo(status, c.podSandboxId) : undefined;
    })),
  ]);
  const sandboxes = sandboxStates.filter((s): s is SandboxInfo => s !== undefined);
  const infos = containerStates.filter((c): c is ContainerInfo => c !== undefined);
  // Newest first; created in the same millisecond (fake runtimes), the higher restart count is newer.
  infos.sort((a, b) => b.createdAt - a.createdAt || b.restartCount - a.restartCount);
  const newest = listed[0]?.metadata;
  return { uid, name: newest?.name, namespace: newest?.namespace, sandboxes, containers: infos };
}

async function toContainerInfo(s: ContainerStatus, sandboxId: string): Promise<ContainerInfo> {
  const a = s.annotations;
  const grace = a[POD_TERMINATION_GRACE_ANNOTATION];
  const info: ContainerInfo = {
    id: s.id,
    sandboxId,
    name: s.labels[CONTAINER_NAME_LABEL] ?? s.metadata?.name ?? '',
    kind: a[CONTAINER_KIND_ANNOTATION] === 'init' ? 'init' : 'regular',
    attempt: s.metadata?.attempt ?? 0,
    restartCount: Number(a[CONTAINER_RESTART_COUNT_ANNOTATION] ?? s.metadata?.attempt ?? 0) || 0,
    hash: a[CONTAINER_HASH_ANNOTATION] ?? '',
    state: s.state,
    createdAt: nsToMs(s.createdAt),
    startedAt: nsToMs(s.startedAt),
    finishedAt: nsToMs(s.finishedAt),
    exitCode: s.exitCode,
    reason: s.reason,
    message: s.message,
    image: s.image?.image ?? '',
    imageRef: s.imageRef,
    logPath: s.logPath,
    terminationGracePeriodSeconds: grace !== undefined ? Number(grace) : undefined,
  };
  if (s.state === 'CONTAINER_EXITED' && !info.message) info.message = await terminationMessage(s);
  return info;
}

/**
 * The kubelet's termination message: the file the container wrote at its terminationMessagePath
 * (found through the mount that backs that path), or with FallbackToLogsOnError the tail of its
 * log when it failed and wrote no message.
 */
async function terminationMessage(s: ContainerStatus): Promise<string> {
  const path = s.annotations[TERMINATION_MESSAGE_PATH_ANNOTATION];
  const mount = path ? s.mounts.find((m) => m.containerPath === path) : undefined;
  let message = '';
  if (mount?.hostPath) {
    message = (await readFile(mount.hostPath).catch(() => Buffer.alloc(0))).subarray(0, MAX_TERMINATION_MESSAGE).toString('utf8');
  }
  if (!message && s.exitCode !== 0 && s.annotations[TERMINATION_MESSAGE_POLICY_ANNOTATION] === 'FallbackToLogsOnError' && s.logPath) {
    message = await logTail(s.logPath);
  }
  return message;
}

/** The last 80 lines (at most 2048 bytes) of a CRI-format log, with the CRI prefixes stripped. */
async function logTail(logPath: string): Promise<string> {
  const text = await readFile(logPath, 'utf8').catch(() => '');
  const lines = text.split('\n').filter(Boolean).slice(-80).map((line) => {
    const m = /^\S+ (?:stdout|stderr) [FP] (.*)$/.exec(line);
    return m ? m[1] : line;
  });
  const joined = lines.length > 0 ? `${lines.join('\n')}\n` : '';
  return joined.length > 2048 ? joined.slice(-2048) : joined;
}

/** The newest instance of each container name of a kind. */
export function latestByName(state: PodRuntimeState, kind: ContainerKind): Map<string, ContainerInfo> {
  const out = new Map<string, ContainerInfo>();
  for (const c of state.containers) if (c.kind === kind && !out.has(c.name)) out.set(c.name, c);
  return out;
}

/** The instance before the newest one of a container (its "last state"). */
export function previousInstance(state: PodRuntimeState, kind: ContainerKind, name: string): ContainerInfo | undefined {
  return state.containers.filter((c) => c.kind === kind && c.name === name)[1];
}
