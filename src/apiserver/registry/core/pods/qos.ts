// The pod's QoS class (ComputePodQOS), fixed at creation: Guaranteed when every container has
// cpu and memory limits equal to its requests, BestEffort with no cpu/memory requests or limits,
// Burstable otherwise.
import { parseQuantity } from '../quantity.js';
import type { Container, Pod } from './types.js';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const QOS_RESOURCES = ['cpu', 'memory'];

function addPositive(total: Map<string, bigint>, list: Record<string, unknown> | undefined, found?: Set<string>): void {
  for (const [name, value] of Object.entries(list ?? {})) {
    if (!QOS_RESOURCES.includes(name)) continue;
    const q = parseQuantity(value) ?? 0n;
    if (q <= 0n) continue;
    found?.add(name);
    total.set(name, (total.get(name) ?? 0n) + q);
  }
}

export function computeQOS(pod: Pod): QOSClass {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  const containers: Container[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const c of containers) {
    addPositive(requests, c?.resources?.requests);
    const found = new Set<string>();
    addPositive(limits, c?.resources?.limits, found);
    if (!QOS_RESOURCES.every((r) => found.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      if (limits.get(name) !== req) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
