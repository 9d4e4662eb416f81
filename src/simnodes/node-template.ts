// What a simulated node looks like to the API: the Node object a kubelet would register
// (capacity, addresses, nodeInfo, the four kubelet conditions, the well-known labels) and the
// fake address ranges every sim node draws from. Pure functions: no I/O.
import { createHash } from 'node:crypto';
import type { Node, NodeCondition, Taint } from 'kubernetes-types/core/v1.js';
import { formatTime } from '../apimachinery/meta.js';

export const SIM_KUBELET_VERSION = 'v1.32.0-kite-sim';
export const SIM_RUNTIME_VERSION = 'sim://1';
export const SIM_OS_IMAGE = 'Kite Simulated Node';
export const SIM_KERNEL_VERSION = '6.1.0-kite-sim';
/** Marks nodes this tool registered (kwok marks its nodes the same way). */
export const SIM_NODE_ANNOTATION = 'kite.dev/sim-node';

export interface SimNodeShape {
  cpu: string;
  memory: string;
  pods: string;
  ephemeralStorage: string;
  labels: Record<string, string>;
  taints: Taint[];
}

export const DEFAULT_SHAPE: SimNodeShape = { cpu: '4', memory: '16Gi', pods: '110', ephemeralStorage: '100Gi', labels: {}, taints: [] };

/** InternalIP of the node with this index: 10.244.H.L, L in 1..254 (never a network or broadcast address). */
export function nodeIPFor(index: number): string {
  const hi = Math.floor(index / 254);
  if (hi > 255) throw new Error(`sim node index ${index} is beyond the 10.244.0.0/16 node range`);
  return `10.244.${hi}.${(index % 254) + 1}`;
}

/** Pod CIDR of the node with this index: 10.42.N.0/24, continuing into 10.43.0.0/16 and up past 256 nodes. */
export function podCIDRFor(index: number): string {
  const second = 42 + Math.floor(index / 256);
  if (second > 255) throw new Error(`sim node index ${index} is beyond the pod CIDR range`);
  return `10.${second}.${index % 256}.0/24`;
}

export type ConditionType = 'MemoryPressure' | 'DiskPressure' | 'PIDPressure' | 'Ready';

/** The kubelet's healthy conditions, in the kubelet's order, with its reasons and messages. */
const HEALTHY: ReadonlyArray<[ConditionType, 'True' | 'False', string, string]> = [
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

/**
 * The conditions a healthy kubelet posts at `nowMs`: heartbeat now, transition time kept from
 * `previous` when the status did not change (as the kubelet's setters do).
 */
export function healthyConditions(nowMs: number, previous: readonly NodeCondition[] = []): NodeCondition[] {
  const now = formatTime(nowMs);
  return HEALTHY.map(([type, status, reason, message]) => {
    const old = previous.find((c) => c.type === type);
    const lastTransitionTime = old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : now;
    return { type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime };
  });
}

/** True when `conditions` are what a healthy kubelet posts (ignoring times). */
export function conditionsHealthy(conditions: readonly NodeCondition[] | undefined): boolean {
  return HEALTHY.every(([type, status, reason]) => {
    const c = conditions?.find((x) => x.type === type);
    return c !== undefined && c.status === status && c.reason === reason;
  });
}

/** The Node a sim kubelet registers as node number `index`. */
export function simNodeObject(name: string, index: number, shape: SimNodeShape, nowMs: number): Node {
  const resources = { cpu: shape.cpu, memory: shape.memory, pods: shape.pods, 'ephemeral-storage': shape.ephemeralStorage };
  const podCIDR = podCIDRFor(index);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': 'sim',
        ...shape.labels,
      },
      annotations: { [SIM_NODE_ANNOTATION]: 'true', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR, podCIDRs: [podCIDR], ...(shape.taints.length > 0 ? { taints: shape.taints } : {}) },
    status: {
      capacity: { ...resources },
      allocatable: { ...resources },
      conditions: healthyConditions(nowMs),
      addresses: [
        { type: 'InternalIP', address: nodeIPFor(index) },
        { type: 'Hostname', address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: fakeId(`machine-${name}`),
        systemUUID: fakeId(`uuid-${name}`),
        bootID: fakeId(`boot-${name}-${nowMs}`),
        kernelVersion: SIM_KERNEL_VERSION,
        osImage: SIM_OS_IMAGE,
        containerRuntimeVersion: SIM_RUNTIME_VERSION,
        kubeletVersion: SIM_KUBELET_VERSION,
        kubeProxyVersion: SIM_KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/** A stable hex id derived from `seed`; ids only need to look real and stay the same across restarts. */
export function fakeId(seed: string, length = 32): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}
