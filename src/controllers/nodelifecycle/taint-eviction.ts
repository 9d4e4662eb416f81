// Taint-based eviction (kube-controller-manager's pkg/controller/tainteviction): a pod on a node
// with NoExecute taints is deleted at once when some taint is not tolerated, after the smallest
// tolerationSeconds of the matching tolerations when all are, and never when they are unbounded.
// The countdown starts when the controller first schedules the eviction and is cancelled (with
// an Event) when the taints go away or the pod comes to tolerate them for good.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { type Clock, realClock } from '../../client/clock.js';
import { type Log, runController } from '../../client/controller-base.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { EventRecorder } from '../../client/event-recorder.js';
import type { SharedInformer } from '../../client/informer.js';
import { PODS } from '../../client/resources.js';
import { unwrapTombstone } from '../../client/tombstone.js';
import type { Client } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue/index.js';
import { formatTime } from '../../apimachinery/meta.js';
import { NODE_NAME_INDEX } from './controller.js';
import { noExecuteTaints, tolerationSeconds } from './taints.js';

export interface TaintEvictionOptions {
  client: Client;
  nodeInformer: SharedInformer<Node>;
  /** Must have the NODE_NAME_INDEX index (indexByNodeName). */
  podInformer: SharedInformer<Pod>;
  recorder?: Pick<EventRecorder, 'event'>;
  clock?: Clock;
  log?: Log;
}

interface Scheduled {
  startAt: number;
  fireAt: number;
}

const podKey = (pod: Pod): string => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
const sameNoExecute = (a: Node, b: Node): boolean => JSON.stringify(noExecuteTaints(a)) === JSON.stringify(noExecuteTaints(b));

export class TaintEvictionController {
  readonly client: Client;
  readonly nodeInformer: SharedInformer<Node>;
  readonly podInformer: SharedInformer<Pod>;
  /** Pod keys. */
  readonly queue: RateLimitingQueue<string>;
  readonly clock: Clock;
  /** Pod key -> its pending eviction. */
  readonly scheduled = new Map<string, Scheduled>();
  readonly #recorder: Pick<EventRecorder, 'event'>;
  readonly #log: Log;

  constructor(opts: TaintEvictionOptions) {
    this.client = opts.client;
    this.nodeInformer = opts.nodeInformer;
    this.podInformer = opts.podInformer;
    this.clock = opts.clock ?? realClock;
    this.queue = new RateLimitingQueue<string>({ clock: this.clock });
    this.#recorder = opts.recorder ?? new EventRecorder(opts.client, { component: 'taint-eviction-controller' }, { clock: this.clock });
    this.#log = opts.log ?? (() => {});

    this.podInformer.addEventHandler({
      onAdd: (pod) => this.#enqueuePod(pod),
      onUpdate: (_old, pod) => this.#enqueuePod(pod),
      onDelete: (obj) => this.scheduled.delete(podKey(unwrapTombstone(obj))),
    });
    this.nodeInformer.addEventHandler({
      onAdd: (node) => {
        if (noExecuteTaints(node).length > 0) this.#enqueueNode(node);
      },
      onUpdate: (old, node) => {
        if (!sameNoExecute(old, node)) this.#enqueueNode(node);
      },
      onDelete: (obj) => this.#enqueueNode(unwrapTombstone(obj)),
    });
  }

  run(signal: AbortSignal, workers = 8): Promise<void> {
    return runController({
      name: 'taint-eviction',
      queue: this.queue,
      sync: (key) => this.sync(key),
      workers,
      signal,
      caches: [this.nodeInformer, this.podInformer],
      log: this.#log,
    });
  }

  #enqueuePod(pod: Pod): void {
    if (!pod.spec?.nodeName) return;
    const key = podKey(pod);
    // Only pods on NoExecute-tainted nodes, or with an eviction to cancel, need a look.
    if (this.scheduled.has(key) || noExecuteTaints(this.nodeInformer.indexer.get(pod.spec.nodeName)).length > 0) this.queue.add(key);
  }

  #enqueueNode(node: Node): void {
    for (const pod of this.podInformer.indexer.byIndex(NODE_NAME_INDEX, node.metadata?.name ?? '')) this.queue.add(podKey(pod));
  }

  async sync(key: string): Promise<void> {
    const pod = this.podInformer.indexer.get(key);
    if (!pod || !pod.spec?.nodeName || pod.metadata?.deletionTimestamp) {
      this.scheduled.delete(key);
      return;
    }
    const taints = noExecuteTaints(this.nodeInformer.indexer.get(pod.spec.nodeName));
    const seconds = tolerationSeconds(taints, pod.spec.tolerations);
    if (seconds === Infinity) {
      this.#cancel(key, pod);
      return;
    }
    const now = this.clock.now();
    const startAt = this.scheduled.get(key)?.startAt ?? now;
    const fireAt = startAt + seconds * 1000;
    if (fireAt > now) {
      this.scheduled.set(key, { startAt, fireAt });
      this.queue.addAfter(key, fireAt - now);
      return;
    }
    await this.#evict(pod);
    this.scheduled.delete(key);
  }

  #cancel(key: string, pod: Pod): void {
    if (!this.scheduled.delete(key)) return;
    this.#recorder.event(pod, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  }

  /** Marks the pod as a disruption target, then deletes it (with its own grace period). */
  async #evict(pod: Pod): Promise<void> {
    const { namespace = '', name = '', uid = '' } = pod.metadata ?? {};
    this.#recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${namespace}/${name}`);
    const condition = {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'DeletionByTaintManager',
      message: 'Taint manager: deleting due to NoExecute taint',
      lastTransitionTime: formatTime(this.clock.now()),
    };
    try {
      await this.client.patch(PODS, namespace, name, 'strategic', { status: { conditions: [condition] } }, { subresource: 'status' });
      await this.client.delete(PODS, namespace, name, { preconditions: { uid } });
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
    this.#log('evicted pod from tainted node', { pod: `${namespace}/${name}`, node: pod.spec?.nodeName });
  }
}
