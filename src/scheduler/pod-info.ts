// What the scheduler needs to know about a pod, computed once when the pod is seen (not per
// node): its resource requests (k8s.io/component-helpers resource.PodRequests rules), host
// ports, owner and priority. Every plugin reads these instead of walking the spec again.
import type { Container, Pod } from './types.js';
import { milliValue, value } from './quantities.js';

/** schedutil.DefaultMilliCPURequest / DefaultMemoryRequest: what a container without requests counts as when scoring. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface Resources {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Every other resource (extended resources, hugepages), or undefined when there are none. */
  scalar: Map<string, number> | undefined;
}

export interface HostPort {
  /** "0.0.0.0" when the container port has no hostIP. */
  ip: string;
  /** "TCP" when unset. */
  protocol: string;
  port: number;
}

export interface PodInfo {
  readonly pod: Pod;
  /** "namespace/name". */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** metadata.uid, or the key for objects without one (tests). */
  readonly uid: string;
  /** Requests for fitting and balanced allocation (missing requests count as 0). */
  readonly requests: Resources;
  /** CPU and memory with a missing container request counted as 100m / 200Mi (NonZeroRequested). */
  readonly nonZeroMilliCPU: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  /** ownerReferences[0].uid: the key NodeInfo counts a workload's pods by. */
  readonly ownerUid: string | undefined;
  /**
   * The owner whose replicas the default topology spreading spreads, when the owner is a kind
   * that selects its pods (ReplicaSet, ReplicationController, StatefulSet).
   */
  readonly spreadOwner: string | undefined;
  readonly priority: number;
}

const SPREAD_OWNER_KINDS = new Set(['ReplicaSet', 'ReplicationController', 'StatefulSet']);

const emptyResources = (): Resources => ({ milliCPU: 0, memory: 0, ephemeralStorage: 0, scalar: undefined });

type ResourceList = Readonly<Record<string, string | number>> | undefined;

const addList = (into: Resources, list: ResourceList, defaults: boolean): void => {
  if (defaults) {
    into.milliCPU += list?.cpu === undefined ? DEFAULT_MILLI_CPU_REQUEST : milliValue(list.cpu);
    into.memory += list?.memory === undefined ? DEFAULT_MEMORY_REQUEST : value(list.memory);
    return;
  }
  if (list === undefined) return;
  for (const name in list) {
    const q = list[name];
    if (name === 'cpu') into.milliCPU += milliValue(q);
    else if (name === 'memory') into.memory += value(q);
    else if (name === 'ephemeral-storage') into.ephemeralStorage += value(q);
    else {
      into.scalar ??= new Map();
      into.scalar.set(name, (into.scalar.get(name) ?? 0) + value(q));
    }
  }
};

const addResources = (into: Resources, r: Resources): void => {
  into.milliCPU += r.milliCPU;
  into.memory += r.memory;
  into.ephemeralStorage += r.ephemeralStorage;
  if (r.scalar) for (const [k, v] of r.scalar) (into.scalar ??= new Map()).set(k, (into.scalar.get(k) ?? 0) + v);
};

const maxResources = (into: Resources, r: Resources): void => {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  if (r.scalar) for (const [k, v] of r.scalar) (into.scalar ??= new Map()).set(k, Math.max(into.scalar.get(k) ?? 0, v));
};

const containerRequests = (c: Container, defaults: boolean): Resources => {
  const r = emptyResources();
  addList(r, c.resources?.requests, defaults);
  return r;
};

/**
 * resource.PodRequests: the sum of the containers, raised to the largest init container
 * (sidecars, init containers with restartPolicy Always, keep running and add up), plus the
 * pod overhead. With `defaults`, only cpu and memory are counted and a container without a
 * request for one counts the scheduler's default for it.
 */
export function podRequests(pod: Pod, defaults = false): Resources {
  const spec = pod.spec;
  const total = emptyResources();
  for (const c of spec?.containers ?? []) addList(total, c.resources?.requests, defaults);
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of spec?.initContainers ?? []) {
    const r = containerRequests(c, defaults);
    if (c.restartPolicy === 'Always') {
      addResources(total, r);
      addResources(sidecars, r);
      maxResources(initMax, sidecars);
    } else {
      addResources(r, sidecars);
      maxResources(initMax, r);
    }
  }
  maxResources(total, initMax);
  if (spec?.overhead) {
    const overhead = emptyResources();
    addList(overhead, spec.overhead, false);
    if (defaults) {
      overhead.ephemeralStorage = 0;
      overhead.scalar = undefined;
    }
    addResources(total, overhead);
  }
  return total;
}

/** Container ports with a hostPort, from containers and sidecars (what NodePorts and NodeInfo.UsedPorts count). */
export function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const collect = (containers: readonly Container[] | undefined, sidecarsOnly: boolean): void => {
    for (const c of containers ?? []) {
      if (sidecarsOnly && c.restartPolicy !== 'Always') continue;
      for (const p of c.ports ?? []) {
        if (!p.hostPort || p.hostPort <= 0) continue;
        out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
      }
    }
  };
  collect(pod.spec?.initContainers, true);
  collect(pod.spec?.containers, false);
  return out;
}

export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

export function newPodInfo(pod: Pod): PodInfo {
  const key = podKey(pod);
  const owner = pod.metadata?.ownerReferences?.[0];
  const nonZero = podRequests(pod, true);
  return {
    pod,
    key,
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid || key,
    requests: podRequests(pod),
    nonZeroMilliCPU: nonZero.milliCPU,
    nonZeroMemory: nonZero.memory,
    hostPorts: hostPorts(pod),
    ownerUid: owner?.uid,
    spreadOwner: owner && SPREAD_OWNER_KINDS.has(owner.kind) ? owner.uid : undefined,
    priority: pod.spec?.priority ?? 0,
  };
}
