// The Node the agent registers and the status it posts, from the host's facts and the runtime's
// health: capacity and allocatable (capacity less the kubelet's default hard-eviction reserves),
// addresses, nodeInfo, and the kubelet's conditions with their reasons and messages. Pure.
import type { ContainerImage, Node, NodeCondition, NodeStatus } from 'kubernetes-types/core/v1.js';
import { formatTime } from '../../apimachinery/meta.js';
import type { HostInfo } from './host-info.js';

export const KUBELET_VERSION = 'v1.32.0-kite';
export const KUBELET_PORT = 10250;
export const MAX_PODS = 110;
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

// The kubelet's default hard eviction thresholds (memory.available<100Mi, nodefs.available<10%,
// nodefs.inodesFree<5%): what allocatable holds back and what raises the pressure conditions.
const EVICTION_MEMORY_BYTES = 100 * 1024 * 1024;
const EVICTION_STORAGE_FRACTION = 0.1;
const EVICTION_INODES_FRACTION = 0.05;
const EVICTION_PIDS_FRACTION = 0.05;

export interface RuntimeHealth {
  /** "containerd://1.6.20". */
  runtimeVersion: string;
  runtimeReady: boolean;
  networkReady: boolean;
  /** Why the network is not ready, as the runtime says it. */
  networkReason?: string;
  networkMessage?: string;
}

export interface NodeObjectOptions {
  name: string;
  labels?: Record<string, string>;
  controlPlane?: boolean;
  podCIDR?: string;
  /** Port of the agent's API (logs, exec, port-forward) the Node advertises; default 10250. */
  kubeletPort?: number;
}

const ki = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`;

export function nodeResources(info: HostInfo): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  return {
    capacity: {
      cpu: String(info.cpus),
      'ephemeral-storage': ki(info.storageBytes),
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: ki(info.memoryBytes),
      pods: String(MAX_PODS),
    },
    allocatable: {
      cpu: String(info.cpus),
      'ephemeral-storage': String(Math.floor(info.storageBytes * (1 - EVICTION_STORAGE_FRACTION))),
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: ki(Math.max(0, info.memoryBytes - EVICTION_MEMORY_BYTES)),
      pods: String(MAX_PODS),
    },
  };
}

type Cond = Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'>;

export function nodeConditions(info: HostInfo, health: RuntimeHealth): Cond[] {
  const memoryPressure = info.memoryAvailableBytes < EVICTION_MEMORY_BYTES;
  const diskPressure = info.storageAvailableBytes < info.storageBytes * EVICTION_STORAGE_FRACTION || (info.inodes > 0 && info.inodesFree < info.inodes * EVICTION_INODES_FRACTION);
  const pidPressure = info.pidMax - info.pidsRunning < info.pidMax * EVICTION_PIDS_FRACTION;
  let ready: Cond = { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' };
  if (!health.runtimeReady) ready = { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down' };
  else if (!health.networkReady) {
    ready = {
      type: 'Ready', status: 'False', reason: 'KubeletNotReady',
      message: `container runtime network not ready: NetworkReady=false reason:${health.networkReason ?? ''} message:${health.networkMessage ?? ''}`,
    };
  }
  const conditions: Cond[] = [
    memoryPressure
      ? { type: 'MemoryPressure', status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }
      : { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    diskPressure
      ? { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', message: 'kubelet has disk pressure' }
      : { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
    pidPressure
      ? { type: 'PIDPressure', status: 'True', reason: 'KubeletHasInsufficientPID', message: 'kubelet has insufficient PID available' }
      : { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
    ready,
  ];
  // The network plugin owns NetworkUnavailable; kite's CNI set-up is the agent's, so the agent reports it once it works.
  if (health.networkReady) conditions.unshift({ type: 'NetworkUnavailable', status: 'False', reason: 'CNIReady', message: 'the pod network (CNI bridge) is ready' });
  return conditions;
}

/** Conditions with times: heartbeat now, transition kept while the status stays. */
export function withTimes(conditions: Cond[], previous: NodeCondition[] | undefined, nowMs: number, heartbeat = true): NodeCondition[] {
  const now = formatTime(nowMs);
  return conditions.map((c) => {
    const old = previous?.find((p) => p.type === c.type);
    const lastTransitionTime = old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : now;
    return { ...c, lastHeartbeatTime: heartbeat || !old?.lastHeartbeatTime ? now : old.lastHeartbeatTime, lastTransitionTime };
  });
}

export function nodeStatus(info: HostInfo, health: RuntimeHealth, nowMs: number, previous?: NodeStatus, images?: ContainerImage[], kubeletPort = KUBELET_PORT): NodeStatus {
  return {
    ...(images ? { images } : {}),
    ...nodeResources(info),
    conditions: withTimes(nodeConditions(info, health), previous?.conditions, nowMs),
    addresses: [
      ...info.internalIPs.map((address) => ({ type: 'InternalIP', address })),
      { type: 'Hostname', address: info.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
    nodeInfo: {
      machineID: info.machineID,
      systemUUID: info.systemUUID,
      bootID: info.bootID,
      kernelVersion: info.kernelVersion,
      osImage: info.osImage,
      containerRuntimeVersion: health.runtimeVersion,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: info.operatingSystem,
      architecture: info.architecture,
    },
  };
}

export function nodeLabels(opts: NodeObjectOptions, info: HostInfo): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': info.architecture,
    'beta.kubernetes.io/os': info.operatingSystem,
    'kubernetes.io/arch': info.architecture,
    'kubernetes.io/hostname': opts.name,
    'kubernetes.io/os': info.operatingSystem,
    ...(opts.controlPlane ? { [CONTROL_PLANE_LABEL]: 'true' } : {}),
    ...opts.labels,
  };
}

/** The Node the agent creates when it registers. */
export function nodeObject(opts: NodeObjectOptions, info: HostInfo, health: RuntimeHealth, nowMs: number): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: opts.name,
      labels: nodeLabels(opts, info),
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: opts.podCIDR ? { podCIDR: opts.podCIDR, podCIDRs: [opts.podCIDR] } : {},
    status: nodeStatus(info, health, nowMs, undefined, undefined, opts.kubeletPort),
  };
}

/** Equal apart from heartbeat times: nothing worth writing changed. */
export function sameStatus(a: NodeStatus | undefined, b: NodeStatus): boolean {
  const strip = (s: NodeStatus | undefined): unknown => s && { ...s, conditions: s.conditions?.map(({ lastHeartbeatTime: _h, lastTransitionTime: _t, ...c }) => c) };
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}
