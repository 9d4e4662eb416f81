// Requests and limits -> CRI LinuxContainerResources, with the kubelet's arithmetic
// (pkg/kubelet/cm MilliCPUToShares / MilliCPUToQuota, kuberuntime calculateLinuxResources) and its
// OOM score policy (pkg/kubelet/qos/policy.go).
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Quantity } from '../../apimachinery/quantity.js';
import type { LinuxContainerResources } from '../runtime/types.js';
import { podQOS, quantityOf } from './qos.js';

export const MIN_SHARES = 2;
export const MAX_SHARES = 262144;
export const SHARES_PER_CPU = 1024;
/** The CFS period the kubelet uses (100 ms, in microseconds). */
export const QUOTA_PERIOD = 100000;
/** The smallest CFS quota (1 ms). */
export const MIN_QUOTA_PERIOD = 1000;

export const GUARANTEED_OOM_SCORE_ADJ = -997;
export const BESTEFFORT_OOM_SCORE_ADJ = 1000;

export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU === 0) return MIN_SHARES; // the kernel's value for "unset" would be 1024
  const shares = Math.floor((milliCPU * SHARES_PER_CPU) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

/** 0 (no quota) for no limit; at least 1 ms per period otherwise. */
export function milliCPUToQuota(milliCPU: number, period = QUOTA_PERIOD): number {
  if (milliCPU === 0) return 0;
  return Math.max(MIN_QUOTA_PERIOD, Math.floor((milliCPU * period) / 1000));
}

/**
 * calculateLinuxResources: shares from the cpu request (from the limit when no request is given),
 * CFS quota from the cpu limit over a 100 ms period, and the memory limit in bytes.
 */
export function calculateLinuxResources(cpuRequest: Quantity | undefined, cpuLimit: Quantity | undefined, memoryLimit: Quantity | undefined): LinuxContainerResources {
  const shares = cpuRequest === undefined ? milliCPUToShares(cpuLimit?.milliValue() ?? 0) : milliCPUToShares(cpuRequest.milliValue());
  const out: LinuxContainerResources = {
    cpuShares: shares,
    cpuPeriod: QUOTA_PERIOD,
    cpuQuota: milliCPUToQuota(cpuLimit?.milliValue() ?? 0),
  };
  const mem = memoryLimit?.value() ?? 0;
  if (mem !== 0) out.memoryLimitInBytes = mem;
  return out;
}

/** The pod is "node critical" (the last to be OOM-killed). */
const isNodeCritical = (pod: Pod): boolean => pod.spec?.priorityClassName === 'system-node-critical';

/** GetContainerOOMScoreAdjust: -997 guaranteed, 1000 best effort, burstable scaled by its memory request. */
export function oomScoreAdjust(pod: Pod, container: Container, memoryCapacityBytes: number): number {
  if (isNodeCritical(pod)) return GUARANTEED_OOM_SCORE_ADJ;
  const qos = podQOS(pod);
  if (qos === 'Guaranteed') return GUARANTEED_OOM_SCORE_ADJ;
  if (qos === 'BestEffort') return BESTEFFORT_OOM_SCORE_ADJ;
  const request = quantityOf(container.resources?.requests, 'memory')?.value() ?? 0;
  const adjust = memoryCapacityBytes > 0 ? 1000 - Math.trunc((1000 * request) / memoryCapacityBytes) : 1000;
  // A guaranteed pod using all memory scores about 10: keep burstable ones above that.
  if (adjust < 1000 + GUARANTEED_OOM_SCORE_ADJ) return 1000 + GUARANTEED_OOM_SCORE_ADJ;
  // Burstable pods get a better chance than best-effort ones.
  if (adjust === BESTEFFORT_OOM_SCORE_ADJ) return adjust - 1;
  return adjust;
}

/** The container's resources as the kubelet hands them to CreateContainer. */
export function containerLinuxResources(pod: Pod, container: Container, memoryCapacityBytes: number): LinuxContainerResources {
  const res = container.resources;
  const out = calculateLinuxResources(quantityOf(res?.requests, 'cpu'), quantityOf(res?.limits, 'cpu'), quantityOf(res?.limits, 'memory'));
  out.oomScoreAdj = oomScoreAdjust(pod, container, memoryCapacityBytes);
  return out;
}

type ResourceName = 'cpu' | 'memory';

function sumOver(containers: Container[], kind: 'requests' | 'limits', name: ResourceName): Quantity | undefined {
  let total: Quantity | undefined;
  for (const c of containers) {
    const q = quantityOf(c.resources?.[kind], name);
    if (q) total = total ? total.add(q) : q;
  }
  return total;
}

function maxOver(containers: Container[], kind: 'requests' | 'limits', name: ResourceName): Quantity | undefined {
  let max: Quantity | undefined;
  for (const c of containers) {
    const q = quantityOf(c.resources?.[kind], name);
    if (q && (!max || q.cmp(max) > 0)) max = q;
  }
  return max;
}

/** PodRequests/PodLimits without overhead: max(sum of app containers, largest init container). */
export function podResource(pod: Pod, kind: 'requests' | 'limits', name: ResourceName): Quantity | undefined {
  const sum = sumOver(pod.spec?.containers ?? [], kind, name);
  const init = maxOver(pod.spec?.initContainers ?? [], kind, name);
  if (!sum) return init;
  if (!init) return sum;
  return init.cmp(sum) > 0 ? init : sum;
}

/** The sandbox's resources: the pod's total requests and limits. */
export function sandboxLinuxResources(pod: Pod): LinuxContainerResources {
  return calculateLinuxResources(podResource(pod, 'requests', 'cpu'), podResource(pod, 'limits', 'cpu'), podResource(pod, 'limits', 'memory'));
}

/** The pod overhead (RuntimeClass), treated as guaranteed: requests == limits. */
export function overheadLinuxResources(pod: Pod): LinuxContainerResources | undefined {
  const overhead = pod.spec?.overhead;
  if (!overhead) return undefined;
  const cpu = quantityOf(overhead, 'cpu');
  return calculateLinuxResources(cpu, cpu, quantityOf(overhead, 'memory'));
}
