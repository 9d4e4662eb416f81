// The two heartbeats of every sim node, as the kubelet sends them: its Lease in kube-node-lease
// renewed every 10 s, and the node's status re-posted when it differs from what a healthy
// kubelet reports or the last report is older than the report interval. One ticker serves all
// nodes; writes go through a shared concurrency limit so 500 nodes never burst 500 requests.
import type { BulkheadPolicy } from 'cockatiel';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import { formatMicroTime } from '../apimachinery/meta.js';
import { type Clock, sleep } from '../client/clock.js';
import { isConflict, isNotFound } from '../client/errors.js';
import { LEASES, NODES } from '../client/resources.js';
import type { Client } from '../client/types.js';
import { conditionsHealthy, healthyConditions } from './node-template.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface HeartbeatTiming {
  /** Lease spec.leaseDurationSeconds; default 40. */
  leaseDurationSeconds: number;
  /** How often leases are renewed; default 10 s (a quarter of the duration, as the kubelet does). */
  leaseRenewIntervalMs: number;
  /** How often each node's status is checked against what the sim would report; default 10 s. */
  statusUpdateIntervalMs: number;
  /** An unchanged status is re-posted (fresh lastHeartbeatTime) this often; default 40 s. */
  statusReportIntervalMs: number;
}

export const DEFAULT_TIMING: HeartbeatTiming = {
  leaseDurationSeconds: 40,
  leaseRenewIntervalMs: 10_000,
  statusUpdateIntervalMs: 10_000,
  statusReportIntervalMs: 40_000,
};

interface NodeBeat {
  name: string;
  uid: string;
  lease?: Lease;
  nextLeaseAt: number;
  nextStatusAt: number;
  lastReportAt: number;
  stopped: boolean;
  busy: boolean;
}

export interface HeartbeatDeps {
  client: Client;
  clock: Clock;
  limiter: BulkheadPolicy;
  /** The node as the sim's node informer last saw it. */
  getNode: (name: string) => Node | undefined;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

export class Heartbeats {
  readonly #deps: HeartbeatDeps;
  readonly #timing: HeartbeatTiming;
  readonly #beats = new Map<string, NodeBeat>();

  constructor(deps: HeartbeatDeps, timing: Partial<HeartbeatTiming> = {}) {
    this.#deps = deps;
    this.#timing = { ...DEFAULT_TIMING, ...timing };
  }

  /** Starts heartbeats of a registered node; its first renewals are spread over one interval. */
  add(name: string, uid: string): void {
    const now = this.#deps.clock.now();
    const spread = (interval: number): number => now + Math.floor(Math.random() * interval);
    this.#beats.set(name, {
      name,
      uid,
      nextLeaseAt: now,
      nextStatusAt: spread(this.#timing.statusUpdateIntervalMs),
      lastReportAt: now,
      stopped: false,
      busy: false,
    });
  }

  stop(name: string): void {
    const beat = this.#must(name);
    beat.stopped = true;
  }

  /** Resumes at once: lease and status are written on the next tick. */
  resume(name: string): void {
    const beat = this.#must(name);
    beat.stopped = false;
    beat.nextLeaseAt = this.#deps.clock.now();
    beat.nextStatusAt = this.#deps.clock.now();
  }

  isStopped(name: string): boolean {
    return this.#beats.get(name)?.stopped ?? false;
  }

  /** Ticks every `tickMs` until `signal` aborts. */
  async run(signal: AbortSignal, tickMs = 1000): Promise<void> {
    while (!signal.aborted) {
      this.tick();
      if (!(await sleep(this.#deps.clock, tickMs, signal))) break;
    }
  }

  /** Starts every heartbeat that is due (each node has at most one write in flight). */
  tick(): Promise<void> {
    const now = this.#deps.clock.now();
    const work: Promise<void>[] = [];
    for (const beat of this.#beats.values()) {
      if (beat.stopped || beat.busy) continue;
      const leaseDue = beat.nextLeaseAt <= now;
      const statusDue = beat.nextStatusAt <= now;
      if (!leaseDue && !statusDue) continue;
      beat.busy = true;
      work.push(
        this.#deps.limiter
          .execute(async () => {
            if (leaseDue) await this.#renewLease(beat);
            if (statusDue) await this.#updateStatus(beat);
          })
          .catch((err: unknown) => this.#deps.log('heartbeat failed', { node: beat.name, error: String(err) }))
          .finally(() => {
            beat.busy = false;
          }),
      );
    }
    return Promise.all(work).then(() => undefined);
  }

  async #renewLease(beat: NodeBeat): Promise<void> {
    const { client, clock } = this.#deps;
    beat.nextLeaseAt = clock.now() + this.#timing.leaseRenewIntervalMs;
    const renewTime = formatMicroTime(clock.now());
    try {
      if (beat.lease) {
        beat.lease = await client.update<Lease>(LEASES, NODE_LEASE_NAMESPACE, { ...beat.lease, spec: { ...beat.lease.spec, renewTime } });
        return;
      }
    } catch (err) {
      if (!isConflict(err) && !isNotFound(err)) throw err;
      beat.lease = undefined;
    }
    beat.lease = await this.#ensureLease(beat, renewTime);
  }

  /** Gets the node's lease and renews it, or creates it (owned by the Node, as the kubelet's is). */
  async #ensureLease(beat: NodeBeat, renewTime: string): Promise<Lease> {
    const { client } = this.#deps;
    try {
      const current = await client.get<Lease>(LEASES, NODE_LEASE_NAMESPACE, beat.name);
      return await client.update<Lease>(LEASES, NODE_LEASE_NAMESPACE, { ...current, spec: { ...current.spec, holderIdentity: beat.name, leaseDurationSeconds: this.#timing.leaseDurationSeconds, renewTime } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return client.create<Lease>(LEASES, NODE_LEASE_NAMESPACE, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: beat.name,
        namespace: NODE_LEASE_NAMESPACE,
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: beat.name, uid: beat.uid }],
      },
      spec: { holderIdentity: beat.name, leaseDurationSeconds: this.#timing.leaseDurationSeconds, renewTime },
    });
  }

  async #updateStatus(beat: NodeBeat): Promise<void> {
    const { client, clock } = this.#deps;
    const now = clock.now();
    beat.nextStatusAt = now + this.#timing.statusUpdateIntervalMs;
    const node = this.#deps.getNode(beat.name);
    if (!node) return;
    const conditions = node.status?.conditions ?? [];
    if (conditionsHealthy(conditions) && now - beat.lastReportAt < this.#timing.statusReportIntervalMs) return;
    await client.patch(NODES, undefined, beat.name, 'strategic', { status: { conditions: healthyConditions(now, conditions) } }, { subresource: 'status' });
    beat.lastReportAt = now;
  }

  #must(name: string): NodeBeat {
    const beat = this.#beats.get(name);
    if (!beat) throw new Error(`no sim node named ${name}`);
    return beat;
  }
}
