// A pod's QoS class (v1qos.GetPodQOS) and the cgroup it runs under. The kubelet nests pods as
// /kubepods[/burstable|/besteffort]/pod<uid>; kite does the same under its own root (/kite), which
// runtime/cgroups.ts removes after RemovePodSandbox.
import type { Container, Pod, ResourceRequirements } from 'kubernetes-types/core/v1.js';
import { Quantity } from '../../apimachinery/quantity.js';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** kite's cgroup root for pods (the kubelet's "kubepods"). */
export const DEFAULT_CGROUP_ROOT = '/kite';

const QOS_RESOURCES = ['cpu', 'memory'];

/** Parses a resource quantity; an absent or malformed value is undefined. */
export function quantityOf(list: Record<string, string> | undefined, name: string): Quantity | undefined {
  const raw = list?.[name];
  if (raw === undefined || raw === null) return undefined;
  try {
    return Quantity.fromJSON(raw);
  } catch {
    return undefined;
  }
}

function addPositive(total: Map<string, Quantity>, list: ResourceRequirements['requests'], found?: Set<string>): void {
  for (const name of Object.keys(list ?? {})) {
    if (!QOS_RESOURCES.includes(name)) continue;
    const q = quantityOf(list, name);
    if (!q || q.sign() <= 0) continue;
    found?.add(name);
    const have = total.get(name);
    total.set(name, have ? have.add(q) : q);
  }
}

/** The QoS class from the containers' requests and limits (status.qosClass wins when the server set it). */
export function podQOS(pod: Pod): QOSClass {
  const fromStatus = pod.status?.qosClass;
  if (fromStatus === 'Guaranteed' || fromStatus === 'Burstable' || fromStatus === 'BestEffort') return fromStatus;
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const containers: Container[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const c of containers) {
    addPositive(requests, c.resources?.requests);
    const found = new Set<string>();
    addPositive(limits, c.resources?.limits, found);
    if (!QOS_RESOURCES.every((r) => found.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || !lim.equals(req)) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

/** The pod's cgroup parent: <root>/pod<uid>, <root>/burstable/pod<uid> or <root>/besteffort/pod<uid>. */
export function podCgroupParent(pod: Pod, cgroupRoot = DEFAULT_CGROUP_ROOT): string {
  const root = cgroupRoot.replace(/\/+$/, '') || '';
  const uid = pod.metadata?.uid ?? '';
  switch (podQOS(pod)) {
    case 'Guaranteed':
      return `${root}/pod${uid}`;
    case 'Burstable':
      return `${root}/burstable/pod${uid}`;
    default:
      return `${root}/besteffort/pod${uid}`;
  }
}
