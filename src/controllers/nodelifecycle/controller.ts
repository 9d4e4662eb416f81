// The node lifecycle controller (kube-controller-manager's pkg/controller/nodelifecycle):
//  - every monitor period, a node whose kubelet has shown no sign of life (Ready heartbeat or
//    Lease renewal) for the grace period gets its kubelet conditions set to Unknown;
//  - a node whose Ready condition is not True has its pods' Ready condition set False, and the
//    NodeNotReady / NodeReady transitions are recorded as Events;
//  - taints follow conditions: not-ready / unreachable NoExecute (which the taint eviction
//    controller acts on) and the NoSchedule taints of TaintNodesByCondition, removed on recovery.
// Not done: zone disruption modes and eviction rate limits (every node is treated alone).
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { formatTime } from '../../apimachinery/meta.js';
import { type Clock, realClock, sleep } from '../../client/clock.js';
import { type Log, runController } from '../../client/controller-base.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { EventRecorder } from '../../client/event-recorder.js';
import type { SharedInformer } from '../../client/informer.js';
import { NODES, PODS } from '../../client/resources.js';
import { unwrapTombstone } from '../../client/tombstone.js';
import type { Client } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue/index.js';
import { NodeHealth, unknownConditions } from './health.js';
import { desiredManagedTaints, readyStatus, reconcileTaints } from './taints.js';

export const NODE_NAME_INDEX = 'nodeName';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const DEFAULT_GRACE_PERIOD_MS = 40_000;
export const DEFAULT_MONITOR_PERIOD_MS = 5_000;

export interface NodeLifecycleOptions {
  client: Client;
  nodeInformer: SharedInformer<Node>;
  leaseInformer: SharedInformer<Lease>;
  /** Must have the NODE_NAME_INDEX index (indexByNodeName). */
  podInformer: SharedInformer<Pod>;
  recorder?: Pick<EventRecorder, 'event'>;
  clock?: Clock;
  log?: Log;
  /** A node silent this long is Unknown (kube-controller-manager --node-monitor-grace-period); default 40 s. */
  gracePeriodMs?: number;
  /** How often node health is checked (--node-monitor-period); default 5 s. */
  monitorPeriodMs?: number;
}

export class NodeLifecycleController {
  readonly client: Client;
  readonly nodeInformer: SharedInformer<Node>;
  readonly leaseInformer: SharedInformer<Lease>;
  readonly podInformer: SharedInformer<Pod>;
  /** Node names whose taints need checking. */
  readonly queue: RateLimitingQueue<string>;
  readonly health = new NodeHealth();
  readonly clock: Clock;
  readonly gracePeriodMs: number;
  readonly monitorPeriodMs: number;
  readonly #recorder: Pick<EventRecorder, 'event'>;
  readonly #log: Log;
  /** Ready status at the last monitor pass, for the NodeNotReady / NodeReady events. */
  readonly #lastReady = new Map<string, string>();

  constructor(opts: NodeLifecycleOptions) {
    this.client = opts.client;
    this.nodeInformer = opts.nodeInformer;
    this.leaseInformer = opts.leaseInformer;
    this.podInformer = opts.podInformer;
    this.clock = opts.clock ?? realClock;
    this.gracePeriodMs = opts.gracePeriodMs ?? DEFAULT_GRACE_PERIOD_MS;
    this.monitorPeriodMs = opts.monitorPeriodMs ?? DEFAULT_MONITOR_PERIOD_MS;
    this.queue = new RateLimitingQueue<string>({ clock: this.clock });
    this.#recorder = opts.recorder ?? new EventRecorder(opts.client, { component: 'node-controller' }, { clock: this.clock });
    this.#log = opts.log ?? (() => {});

    this.nodeInformer.addEventHandler({
      onAdd: (node) => this.queue.add(node.metadata?.name ?? ''),
      onUpdate: (_old, node) => this.queue.add(node.metadata?.name ?? ''),
      onDelete: (obj) => {
        const name = unwrapTombstone(obj).metadata?.name ?? '';
        this.health.forget(name);
        this.#lastReady.delete(name);
      },
    });
  }

  /** Waits for the caches, then runs the taint workers and the health monitor until `signal` aborts. */
  async run(signal: AbortSignal, workers = 1): Promise<void> {
    const caches = [this.nodeInformer, this.leaseInformer, this.podInformer];
    const taints = runController({ name: 'node-lifecycle', queue: this.queue, sync: (name) => this.syncTaints(name), workers, signal, caches, log: this.#log });
    const monitor = (async () => {
      for (const cache of caches) if (!(await cache.waitForSync(signal))) return;
      do {
        await this.monitorNodeHealth().catch((err: unknown) => this.#log('node health pass failed', { error: String(err) }));
      } while (await sleep(this.clock, this.monitorPeriodMs, signal));
    })();
    await Promise.all([taints, monitor]);
  }

  /** One pass over every node (monitorNodeHealth). */
  async monitorNodeHealth(): Promise<void> {
    for (const node of this.nodeInformer.indexer.list()) {
      try {
        await this.#monitorNode(node);
      } catch (err) {
        if (!isConflict(err) && !isNotFound(err)) this.#log('node health update failed', { node: node.metadata?.name, error: String(err) });
      }
    }
  }

  async #monitorNode(node: Node): Promise<void> {
    const name = node.metadata?.name ?? '';
    const now = this.clock.now();
    const lease = this.leaseInformer.indexer.get(`${NODE_LEASE_NAMESPACE}/${name}`);
    const lastSeen = this.health.observe(node, lease, now);
    let current = node;
    if (now - lastSeen > this.gracePeriodMs) {
      const conditions = unknownConditions(node, now);
      if (conditions) {
        current = await this.client.updateStatus<Node>(NODES, undefined, { ...node, status: { ...node.status, conditions } });
        this.#log('node stopped posting status', { node: name, silentMs: now - lastSeen });
      }
    }
    const ready = readyStatus(current);
    const before = this.#lastReady.get(name);
    this.#lastReady.set(name, ready);
    if (ready !== 'True') {
      if (before === 'True') this.#recorder.event(nodeRef(current), 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      await this.#markPodsNotReady(current);
    } else if (before !== undefined && before !== 'True') {
      this.#recorder.event(nodeRef(current), 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`);
    }
  }

  /** Sets Ready False on the node's pods that still claim to be ready (MarkPodsNotReady). */
  async #markPodsNotReady(node: Node): Promise<void> {
    const name = node.metadata?.name ?? '';
    const pods = this.podInformer.indexer.byIndex(NODE_NAME_INDEX, name).filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    const now = formatTime(this.clock.now());
    for (const pod of pods) {
      const meta = pod.metadata ?? {};
      try {
        await this.client.patch(PODS, meta.namespace, meta.name ?? '', 'strategic', { status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now }] } }, { subresource: 'status' });
        this.#recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (err) {
        if (!isNotFound(err)) this.#log('marking pod not ready failed', { pod: `${meta.namespace}/${meta.name}`, error: String(err) });
      }
    }
  }

  /** Makes the node's managed taints match its conditions. */
  async syncTaints(name: string): Promise<void> {
    const node = this.nodeInformer.indexer.get(name);
    if (!node) return;
    const taints = reconcileTaints(node.spec?.taints, desiredManagedTaints(node), this.clock.now());
    if (!taints) return;
    try {
      await this.client.update<Node>(NODES, undefined, { ...node, spec: { ...node.spec, taints } });
    } catch (err) {
      // A newer node is on its way through the informer; it queues the node again.
      if (isConflict(err) || isNotFound(err)) return;
      throw err;
    }
  }
}

/** Node events reference the node by name, with the name as uid, as the upstream controller does. */
const nodeRef = (node: Node): { kind: string; name: string; uid: string; apiVersion: string } => ({
  kind: 'Node',
  name: node.metadata?.name ?? '',
  uid: node.metadata?.name ?? '',
  apiVersion: 'v1',
});
