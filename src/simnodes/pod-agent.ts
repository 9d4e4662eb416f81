// The pod half of the sim kubelet for all sim nodes at once: one shared pod informer (pods by
// node name), one work queue of pod keys, a fixed number of workers. A pod bound to a sim node
// is reported Running with an IP from its node's pod CIDR; pods that opt in complete later;
// a pod marked for deletion is removed (grace 0) after a short delay, as a kubelet does once its
// containers have stopped. The queue coalesces bursts, so 10,000 pods cost one write each.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { type Clock } from '../client/clock.js';
import { runController } from '../client/controller-base.js';
import { isConflict, isNotFound } from '../client/errors.js';
import type { SharedInformer } from '../client/informer.js';
import { PODS } from '../client/resources.js';
import { unwrapTombstone } from '../client/tombstone.js';
import type { Client } from '../client/types.js';
import { RateLimitingQueue } from '../client/workqueue/index.js';
import type { PodIPPool } from './ip-pool.js';
import { type PodPlacement, completedStatus, isTerminal, reportsRunning, restartedStatus, runningStatus, simExit } from './pod-status.js';

/** What the agent knows about one sim node. */
export interface AgentNode {
  name: string;
  hostIP: string;
  pool: PodIPPool;
  /** Heartbeats stopped: no pod status reports. */
  silent: () => boolean;
  /** While silent, deletions are still confirmed unless this says false. */
  confirmDeletions: () => boolean;
}

export interface PodAgentOptions {
  client: Client;
  clock: Clock;
  informer: SharedInformer<Pod>;
  nodes: ReadonlyMap<string, AgentNode>;
  /** Delay between seeing deletionTimestamp and removing the pod; default 1 s. */
  terminationDelayMs?: number;
  workers?: number;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

const keyOf = (pod: Pod): string => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

export class PodAgent {
  readonly queue: RateLimitingQueue<string>;
  readonly #opts: PodAgentOptions;
  readonly #terminationDelayMs: number;
  /** When the agent first saw a pod's deletionTimestamp / started its containers (ms). */
  readonly #deletionSeen = new Map<string, number>();
  readonly #startedAt = new Map<string, number>();
  /** Which node's pool holds a pod's IP. */
  readonly #ipHolder = new Map<string, AgentNode>();

  constructor(opts: PodAgentOptions) {
    this.#opts = opts;
    this.#terminationDelayMs = opts.terminationDelayMs ?? 1000;
    this.queue = new RateLimitingQueue<string>({ clock: opts.clock });
    opts.informer.addEventHandler({
      onAdd: (pod) => this.#observe(pod),
      onUpdate: (_old, pod) => this.#observe(pod),
      onDelete: (obj) => {
        const pod = unwrapTombstone(obj);
        if (this.#nodeOf(pod)) this.queue.add(keyOf(pod));
      },
    });
  }

  /** Runs the workers until `signal` aborts. */
  run(signal: AbortSignal): Promise<void> {
    return runController({ name: 'sim-pod-agent', queue: this.queue, sync: (key) => this.sync(key), workers: this.#opts.workers ?? 32, signal, caches: [this.#opts.informer], log: this.#opts.log });
  }

  /** Queues every pod on `nodeName` (after its heartbeats resume). */
  resync(nodeName: string): void {
    for (const pod of this.#opts.informer.indexer.byIndex('nodeName', nodeName)) this.queue.add(keyOf(pod));
  }

  #observe(pod: Pod): void {
    const node = this.#nodeOf(pod);
    if (!node) return;
    const key = keyOf(pod);
    // A restarted sim finds its pods' IPs in their status.
    const ip = pod.status?.podIP;
    if (ip && !pod.spec?.hostNetwork && !isTerminal(pod) && !this.#ipHolder.has(key) && node.pool.reserve(key, ip)) this.#ipHolder.set(key, node);
    this.queue.add(key);
  }

  #nodeOf(pod: Pod): AgentNode | undefined {
    const name = pod.spec?.nodeName;
    return name ? this.#opts.nodes.get(name) : undefined;
  }

  /** Brings one pod one step closer to what its node would report. */
  async sync(key: string): Promise<void> {
    const { client, clock } = this.#opts;
    const pod = this.#opts.informer.indexer.get(key);
    const node = pod ? this.#nodeOf(pod) : undefined;
    if (!pod || !node) {
      this.#forget(key);
      return;
    }
    const [namespace = '', name = ''] = key.split('/');
    const now = clock.now();

    if (pod.metadata?.deletionTimestamp) {
      if (node.silent() && !node.confirmDeletions()) return;
      const seen = this.#deletionSeen.get(key) ?? now;
      this.#deletionSeen.set(key, seen);
      if (now < seen + this.#terminationDelayMs) {
        this.queue.addAfter(key, seen + this.#terminationDelayMs - now);
        return;
      }
      try {
        await client.delete(PODS, namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid ?? '' } });
      } catch (err) {
        if (!isNotFound(err) && !isConflict(err)) throw err;
      }
      this.#forget(key);
      return;
    }
    if (node.silent()) return;
    if (isTerminal(pod)) {
      this.#releaseIP(key);
      return;
    }

    const exit = simExit(pod);
    if (!reportsRunning(pod)) {
      const placement = this.#placement(key, node, now);
      if (!placement) {
        this.#opts.log('no free pod IP', { pod: key, node: node.name });
        this.queue.addAfter(key, 5000);
        return;
      }
      await this.#writeStatus(pod, runningStatus(pod, placement));
      this.#startedAt.set(key, now);
      if (exit) this.queue.addAfter(key, exit.afterMs);
      return;
    }
    if (!exit) return;
    const started = this.#startedAt.get(key) ?? Date.parse(pod.status?.containerStatuses?.[0]?.state?.running?.startedAt ?? '');
    const endsAt = (Number.isNaN(started) ? now : started) + exit.afterMs;
    if (now < endsAt) {
      this.queue.addAfter(key, endsAt - now);
      return;
    }
    if (exit.code !== 0 && pod.spec?.restartPolicy === 'OnFailure') {
      const placement = this.#placement(key, node, now)!;
      await this.#writeStatus(pod, restartedStatus(pod, exit.code, placement));
      this.#startedAt.set(key, now);
      this.queue.addAfter(key, exit.afterMs);
      return;
    }
    await this.#writeStatus(pod, completedStatus(pod, exit.code, now));
    this.#releaseIP(key);
    this.#startedAt.delete(key);
  }

  #placement(key: string, node: AgentNode, nowMs: number): PodPlacement | undefined {
    const pod = this.#opts.informer.indexer.get(key);
    if (pod?.spec?.hostNetwork) return { hostIP: node.hostIP, podIP: node.hostIP, nowMs };
    const podIP = node.pool.allocate(key);
    if (podIP === undefined) return undefined;
    this.#ipHolder.set(key, node);
    return { hostIP: node.hostIP, podIP, nowMs };
  }

  /** A merge patch carrying the cached resourceVersion: a concurrent writer makes it a Conflict, retried from the newer pod. */
  async #writeStatus(pod: Pod, status: Pod['status']): Promise<void> {
    const meta = pod.metadata ?? {};
    await this.#opts.client.patch(PODS, meta.namespace, meta.name ?? '', 'merge', { metadata: { resourceVersion: meta.resourceVersion }, status }, { subresource: 'status' });
  }

  #releaseIP(key: string): void {
    const holder = this.#ipHolder.get(key);
    holder?.pool.release(key);
    this.#ipHolder.delete(key);
  }

  #forget(key: string): void {
    this.#releaseIP(key);
    this.#deletionSeen.delete(key);
    this.#startedAt.delete(key);
  }
}
