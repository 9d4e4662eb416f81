// The node's heartbeat: its Lease in kube-node-lease, owned by the Node, renewed every 10 s with a
// 40 s duration (the kubelet's nodeLeaseDurationSeconds and renew interval of a quarter of it).
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { formatMicroTime } from '../../apimachinery/meta.js';
import type { Clock } from '../../client/clock.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { LEASES } from '../../client/resources.js';
import type { Client } from '../../client/types.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
export const LEASE_RENEW_INTERVAL_MS = 10_000;

export class NodeLease {
  #lease: Lease | undefined;

  constructor(
    readonly client: Client,
    readonly nodeName: string,
    readonly clock: Clock,
    /** The Node's uid: the Lease is garbage-collected with it. */
    readonly nodeUid: () => string | undefined,
  ) {}

  get lease(): Lease | undefined {
    return this.#lease;
  }

  /** Renews the lease (creating it the first time); retries once from a fresh read on conflict. */
  async renew(): Promise<Lease> {
    const renewTime = formatMicroTime(this.clock.now());
    if (this.#lease) {
      try {
        this.#lease = await this.client.update<Lease>(LEASES, NODE_LEASE_NAMESPACE, { ...this.#lease, spec: { ...this.#lease.spec, renewTime } });
        return this.#lease;
      } catch (err) {
        if (!isConflict(err) && !isNotFound(err)) throw err;
        this.#lease = undefined;
      }
    }
    const spec = { holderIdentity: this.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime };
    try {
      const current = await this.client.get<Lease>(LEASES, NODE_LEASE_NAMESPACE, this.nodeName);
      this.#lease = await this.client.update<Lease>(LEASES, NODE_LEASE_NAMESPACE, { ...current, spec: { ...current.spec, ...spec } });
      return this.#lease;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const uid = this.nodeUid();
    this.#lease = await this.client.create<Lease>(LEASES, NODE_LEASE_NAMESPACE, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: this.nodeName,
        namespace: NODE_LEASE_NAMESPACE,
        ...(uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid }] } : {}),
      },
      spec: { ...spec, acquireTime: renewTime },
    });
    return this.#lease;
  }
}
