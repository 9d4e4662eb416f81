// The node side of the agent: registers the Node (or takes over an existing one of the same
// name), keeps its Lease renewed, and posts its status every 10 s and as soon as the runtime's
// health changes (e.g. the CNI network becoming ready).
import type { ContainerImage, Node } from 'kubernetes-types/core/v1.js';
import { type Clock, sleep } from '../../client/clock.js';
import type { Log } from '../../client/controller-base.js';
import { isAlreadyExists } from '../../client/errors.js';
import { NODES } from '../../client/resources.js';
import type { Client } from '../../client/types.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { HostInfo } from './host-info.js';
import { NodeLease, LEASE_RENEW_INTERVAL_MS } from './lease.js';
import { type NodeObjectOptions, type RuntimeHealth, nodeLabels, nodeObject, nodeStatus, sameStatus } from './node-object.js';

export interface NodeAgentOptions extends NodeObjectOptions {
  client: Client;
  runtime: ContainerRuntime;
  clock: Clock;
  hostInfo: () => Promise<HostInfo>;
  /** Registration and take-over. */
  log: Log;
  /** Failed renewals and status updates. */
  warn: Log;
  /** How often the status is checked; default 10 s. */
  statusIntervalMs?: number;
  /** An unchanged status is posted again (fresh heartbeat) this often; default 10 s. */
  statusReportIntervalMs?: number;
  /** How often the runtime's health is polled for changes between status updates; default 1 s. */
  healthPollMs?: number;
}

const MAX_IMAGES_IN_STATUS = 50;

export class NodeAgent {
  readonly lease: NodeLease;
  readonly #opts: NodeAgentOptions;
  #node: Node | undefined;
  #info: HostInfo | undefined;
  #lastHealth = '';
  #lastReportAt = 0;

  constructor(opts: NodeAgentOptions) {
    this.#opts = opts;
    this.lease = new NodeLease(opts.client, opts.name, opts.clock, () => this.#node?.metadata?.uid);
  }

  get node(): Node | undefined {
    return this.#node;
  }

  /** The node's InternalIP(s), once registered. */
  nodeIPs(): string[] {
    return this.#info?.internalIPs ?? [];
  }

  async health(): Promise<RuntimeHealth> {
    const { runtime } = this.#opts;
    const [version, status] = await Promise.all([runtime.version(), runtime.status().catch(() => undefined)]);
    const cond = (type: string) => status?.status?.conditions.find((c) => c.type === type);
    const net = cond('NetworkReady');
    return {
      runtimeVersion: `${version.runtimeName}://${version.runtimeVersion}`,
      runtimeReady: cond('RuntimeReady')?.status ?? false,
      networkReady: net?.status ?? false,
      networkReason: net?.reason,
      networkMessage: net?.message,
    };
  }

  async #images(): Promise<ContainerImage[]> {
    const images = await this.#opts.runtime.listImages().catch(() => []);
    return images
      .sort((a, b) => b.size - a.size)
      .slice(0, MAX_IMAGES_IN_STATUS)
      .map((i) => ({ names: [...i.repoDigests, ...i.repoTags], sizeBytes: i.size }));
  }

  /** Creates the Node, or adopts the existing one (labels merged, status replaced). */
  async register(): Promise<Node> {
    const { client, clock } = this.#opts;
    // At once: the node (and every pod waiting for it) is Ready only once it is registered.
    const [info, health, images] = await Promise.all([this.#opts.hostInfo(), this.health(), this.#images()]);
    this.#info = info;
    const built = nodeObject(this.#opts, info, health, clock.now());
    const desired: Node = { ...built, status: { ...built.status, images } };
    try {
      this.#node = await client.create<Node>(NODES, undefined, desired);
      this.#opts.log('node registered', { node: this.#opts.name });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const patch = { metadata: { labels: nodeLabels(this.#opts, this.#info) } };
      await client.patch<Node>(NODES, undefined, this.#opts.name, 'strategic', patch);
      this.#node = await client.patch<Node>(NODES, undefined, this.#opts.name, 'strategic', { status: desired.status }, { subresource: 'status' });
      this.#opts.log('node already registered: taking it over', { node: this.#opts.name });
    }
    this.#lastHealth = JSON.stringify(health);
    this.#lastReportAt = clock.now();
    await this.lease.renew();
    return this.#node;
  }

  /** Posts the status when it changed, or when the last report is older than the report interval; true when it wrote. */
  async updateStatus(force = false): Promise<boolean> {
    const { client, clock } = this.#opts;
    this.#info = await this.#opts.hostInfo();
    const health = await this.health();
    this.#lastHealth = JSON.stringify(health);
    const previous = this.#node?.status;
    const status = nodeStatus(this.#info, health, clock.now(), previous, await this.#images(), this.#opts.kubeletPort);
    const due = clock.now() - this.#lastReportAt >= (this.#opts.statusReportIntervalMs ?? 10_000);
    if (!force && !due && sameStatus(previous, status)) return false;
    this.#node = await client.patch<Node>(NODES, undefined, this.#opts.name, 'strategic', { status }, { subresource: 'status' });
    this.#lastReportAt = clock.now();
    return true;
  }

  /** True when the runtime's health differs from what the last status carried. */
  async healthChanged(): Promise<boolean> {
    return JSON.stringify(await this.health()) !== this.#lastHealth;
  }

  /** Renews the lease and posts status until `signal` aborts; failures are logged and retried. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, warn } = this.#opts;
    const poll = this.#opts.healthPollMs ?? 1000;
    let nextLease = clock.now() + LEASE_RENEW_INTERVAL_MS;
    let nextStatus = clock.now() + (this.#opts.statusIntervalMs ?? 10_000);
    while (await sleep(clock, poll, signal)) {
      const now = clock.now();
      if (now >= nextLease) {
        nextLease = now + LEASE_RENEW_INTERVAL_MS;
        await this.lease.renew().catch((err: unknown) => warn('lease renewal failed', { error: String(err) }));
      }
      try {
        const changed = await this.healthChanged();
        if (changed || now >= nextStatus) {
          nextStatus = now + (this.#opts.statusIntervalMs ?? 10_000);
          await this.updateStatus(changed);
        }
      } catch (err) {
        warn('node status update failed', { error: String(err) });
      }
    }
  }
}
