// Node health as the node lifecycle controller sees it (tryUpdateNodeHealth): the controller
// remembers, in its own clock, when it last saw a node's kubelet do anything — a new Ready
// heartbeat or a renewed Lease — and a node silent for longer than the grace period gets its
// kubelet conditions set to Unknown. Comparing observation times, not the timestamps the
// kubelet wrote, keeps clock skew between machines out of it.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import { formatTime } from '../../apimachinery/meta.js';

/** The conditions the kubelet owns, which go Unknown together. */
export const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

export const REASON_STATUS_UNKNOWN = 'NodeStatusUnknown';
export const MESSAGE_STATUS_UNKNOWN = 'Kubelet stopped posting node status.';
export const REASON_NEVER_UPDATED = 'NodeStatusNeverUpdated';
export const MESSAGE_NEVER_UPDATED = 'Kubelet never posted node status.';

interface Observed {
  /** When the controller last saw a sign of life (ms, controller clock). */
  probeAt: number;
  heartbeat: string;
  leaseRenew: string;
}

export class NodeHealth {
  readonly #nodes = new Map<string, Observed>();

  /** Records what the node and its lease show now; returns when the node last showed life. */
  observe(node: Node, lease: Lease | undefined, nowMs: number): number {
    const name = node.metadata?.name ?? '';
    const heartbeat = node.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime ?? '';
    const leaseRenew = lease?.spec?.renewTime ?? '';
    const seen = this.#nodes.get(name);
    if (!seen) {
      // First sight (or controller restart): the node gets a full grace period from now.
      this.#nodes.set(name, { probeAt: nowMs, heartbeat, leaseRenew });
      return nowMs;
    }
    if (heartbeat !== seen.heartbeat) {
      seen.heartbeat = heartbeat;
      seen.probeAt = nowMs;
    }
    if (leaseRenew !== '' && (seen.leaseRenew === '' || Date.parse(leaseRenew) > Date.parse(seen.leaseRenew))) {
      seen.leaseRenew = leaseRenew;
      seen.probeAt = nowMs;
    }
    return seen.probeAt;
  }

  forget(name: string): void {
    this.#nodes.delete(name);
  }

  get size(): number {
    return this.#nodes.size;
  }
}

/**
 * The node's conditions with every kubelet condition set to Unknown (missing ones added as
 * never updated), or undefined when they all already are Unknown.
 */
export function unknownConditions(node: Node, nowMs: number): NodeCondition[] | undefined {
  const now = formatTime(nowMs);
  const conditions = [...(node.status?.conditions ?? [])];
  let changed = false;
  for (const type of KUBELET_CONDITIONS) {
    const i = conditions.findIndex((c) => c.type === type);
    if (i < 0) {
      conditions.push({
        type,
        status: 'Unknown',
        reason: REASON_NEVER_UPDATED,
        message: MESSAGE_NEVER_UPDATED,
        lastHeartbeatTime: node.metadata?.creationTimestamp ?? now,
        lastTransitionTime: now,
      });
      changed = true;
      continue;
    }
    const c = conditions[i]!;
    if (c.status === 'Unknown') continue;
    conditions[i] = { ...c, status: 'Unknown', reason: REASON_STATUS_UNKNOWN, message: MESSAGE_STATUS_UNKNOWN, lastTransitionTime: now };
    changed = true;
  }
  return changed ? conditions : undefined;
}
