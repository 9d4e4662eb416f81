// The scheduler: informer events keep the Snapshot and the SchedulingQueue current; the loop
// pops a pod, runs the synchronous cycle (filter, score, pick), assumes the pod on the node so
// the next cycle already sees it, and binds in the background with many binds in flight.
// Failures become a FailedScheduling event and a PodScheduled=False condition.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type Clock, realClock } from '../client/clock.js';
import { isNotFound } from '../client/errors.js';
import type { SharedInformerFactory } from '../client/informer-factory.js';
import { NODES, PODS } from '../client/resources.js';
import { unwrapTombstone } from '../client/tombstone.js';
import type { Client } from '../client/types.js';
import { FitError } from './fit-error.js';
import { type Profile, Snapshot } from './framework.js';
import { defaultProfile } from './plugins/index.js';
import { ScheduleAlgorithm } from './schedule-one.js';
import { type ClientSchedulerIOOptions, type SchedulerIO, clientSchedulerIO } from './scheduler-io.js';
import { type QueuedPodInfo, SchedulingQueue, type SchedulingQueueOptions } from './scheduling-queue.js';
import type { Node, Pod } from './types.js';
import { DEFAULT_SCHEDULER_NAME } from './types.js';

export interface SchedulerOptions {
  io: SchedulerIO;
  clock?: Clock;
  profile?: Profile;
  schedulerName?: string;
  /** 0 (default): Kubernetes' adaptive share of nodes; 100: every node. */
  percentageOfNodesToScore?: number;
  random?: () => number;
  /** Bindings awaiting the API at once; the loop waits when this many are in flight. */
  maxBindsInFlight?: number;
  queue?: Omit<SchedulingQueueOptions, 'clock'>;
  log?: (msg: string, err?: unknown) => void;
}

export interface SchedulerStats {
  scheduled: number;
  unschedulable: number;
  bindErrors: number;
}

const isAssigned = (pod: Pod): boolean => !!pod.spec?.nodeName;
const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
/** SchedulingGates: a gated pod waits outside the queue until its gates are removed. */
const isGated = (pod: Pod): boolean => (pod.spec?.schedulingGates?.length ?? 0) > 0;
const uidOf = (pod: Pod): string => pod.metadata?.uid || `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

/** Node changes that can make a parked pod fit (nodeSchedulingPropertiesChange). */
const nodeChangeMatters = (oldNode: Node, node: Node): boolean =>
  oldNode.spec?.unschedulable !== node.spec?.unschedulable ||
  JSON.stringify(oldNode.metadata?.labels) !== JSON.stringify(node.metadata?.labels) ||
  JSON.stringify(oldNode.spec?.taints) !== JSON.stringify(node.spec?.taints) ||
  JSON.stringify(oldNode.status?.allocatable) !== JSON.stringify(node.status?.allocatable);

export class Scheduler {
  readonly snapshot = new Snapshot();
  readonly queue: SchedulingQueue;
  readonly stats: SchedulerStats = { scheduled: 0, unschedulable: 0, bindErrors: 0 };
  readonly #io: SchedulerIO;
  readonly #algorithm: ScheduleAlgorithm;
  readonly #schedulerName: string;
  readonly #maxBinds: number;
  readonly #log: (msg: string, err?: unknown) => void;
  #bindsInFlight = 0;
  #bindSlotWaiters: Array<() => void> = [];
  #idleWaiters: Array<() => void> = [];

  constructor(options: SchedulerOptions) {
    this.#io = options.io;
    this.queue = new SchedulingQueue({ ...options.queue, clock: options.clock ?? realClock });
    this.#algorithm = new ScheduleAlgorithm(options.profile ?? defaultProfile(), {
      percentageOfNodesToScore: options.percentageOfNodesToScore ?? 0,
      ...(options.random ? { random: options.random } : {}),
    });
    this.#schedulerName = options.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    this.#maxBinds = options.maxBindsInFlight ?? 256;
    this.#log = options.log ?? (() => undefined);
  }

  #responsibleFor(pod: Pod): boolean {
    return (pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME) === this.#schedulerName;
  }

  // --- informer handlers: map an event to the cache and the queue -------------------------

  onPodAdd(pod: Pod): void {
    if (isAssigned(pod)) {
      if (isTerminal(pod)) return;
      this.snapshot.setPod(pod);
    } else if (this.#responsibleFor(pod) && !isTerminal(pod) && !pod.metadata?.deletionTimestamp && !isGated(pod)) {
      this.queue.add(pod);
    }
  }

  onPodUpdate(oldPod: Pod, pod: Pod): void {
    const uid = uidOf(pod);
    if (isAssigned(pod)) {
      this.queue.delete(uid);
      if (isTerminal(pod)) this.#assignedPodGone(uid);
      else this.snapshot.setPod(pod);
      return;
    }
    // Bound but not yet seen bound: nothing to do. (While its binding is in flight the queue keeps the update for a retry.)
    if (!this.#responsibleFor(pod) || (this.snapshot.isAssumed(uid) && !this.queue.isInFlight(uid))) return;
    if (isTerminal(pod) || pod.metadata?.deletionTimestamp || isGated(pod)) this.queue.delete(uid);
    else this.queue.update(oldPod, pod);
  }

  onPodDelete(pod: Pod): void {
    const uid = uidOf(pod);
    this.queue.delete(uid);
    this.#assignedPodGone(uid);
  }

  #assignedPodGone(uid: string): void {
    // The pod's resources are free again: parked pods may fit now.
    if (this.snapshot.removePod(uid) !== undefined) this.queue.moveAllToActiveOrBackoff();
  }

  onNodeAdd(node: Node): void {
    this.snapshot.setNode(node);
    this.queue.moveAllToActiveOrBackoff();
  }

  onNodeUpdate(oldNode: Node, node: Node): void {
    this.snapshot.setNode(node);
    if (nodeChangeMatters(oldNode, node)) this.queue.moveAllToActiveOrBackoff();
  }

  onNodeDelete(node: Node): void {
    this.snapshot.removeNode(node.metadata?.name ?? '');
  }

  // --- the loop ---------------------------------------------------------------------------

  /** Schedules pods until the signal aborts; resolves after the bindings in flight settle. */
  async run(signal: AbortSignal): Promise<void> {
    this.queue.run();
    const stop = (): void => this.queue.close();
    signal.addEventListener('abort', stop, { once: true });
    let sliceStart = performance.now();
    try {
      for (;;) {
        const q = this.queue.tryPop() ?? (await this.queue.pop(signal));
        if (!q) break;
        this.scheduleOne(q);
        // Cycles are synchronous; give informer events and binding replies a turn every few ms.
        if (performance.now() - sliceStart > 5) {
          await yieldToEventLoop();
          sliceStart = performance.now();
        }
        while (this.#bindsInFlight >= this.#maxBinds) await new Promise<void>((r) => this.#bindSlotWaiters.push(r));
      }
    } finally {
      signal.removeEventListener('abort', stop);
      await this.waitForBindings();
    }
  }

  /** Resolves when no binding is in flight. */
  waitForBindings(): Promise<void> {
    if (this.#bindsInFlight === 0) return Promise.resolve();
    return new Promise((r) => this.#idleWaiters.push(r));
  }

  /** One scheduling cycle for a popped pod; the binding continues in the background. */
  scheduleOne(q: QueuedPodInfo): void {
    const info = q.podInfo;
    const pod = info.pod;
    if (pod.metadata?.deletionTimestamp || this.snapshot.nodeOf(info.uid) !== undefined) {
      this.queue.done(info.uid);
      return;
    }
    const result = this.#algorithm.schedule(info, this.snapshot);
    if (result instanceof FitError) {
      this.stats.unschedulable++;
      this.queue.requeueFailed(q, 'unschedulable');
      this.#reportFailure(pod, 'Unschedulable', result.message);
      return;
    }
    this.snapshot.assume(info, result.nodeName);
    void this.#bind(q, result.nodeName);
  }

  async #bind(q: QueuedPodInfo, nodeName: string): Promise<void> {
    const { pod, uid, namespace, name } = q.podInfo;
    this.#bindsInFlight++;
    try {
      await this.#io.bind(pod, nodeName);
      this.stats.scheduled++;
      this.queue.done(uid);
      this.#io.event(pod, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
    } catch (err) {
      this.stats.bindErrors++;
      this.snapshot.forget(uid);
      // The node's resources counted for this pod are free again.
      this.queue.moveAllToActiveOrBackoff();
      if (isNotFound(err)) this.queue.done(uid);
      else {
        this.queue.requeueFailed(q, 'error');
        this.#reportFailure(pod, 'SchedulerError', `binding rejected: ${err instanceof Error ? err.message : String(err)}`);
      }
    } finally {
      this.#bindsInFlight--;
      this.#bindSlotWaiters.shift()?.();
      if (this.#bindsInFlight === 0) for (const w of this.#idleWaiters.splice(0)) w();
    }
  }

  #reportFailure(pod: Pod, reason: 'Unschedulable' | 'SchedulerError', message: string): void {
    this.#io.event(pod, 'Warning', 'FailedScheduling', 'Scheduling', message);
    this.#io.setPodScheduledFalse(pod, reason, message).catch((err) => {
      if (!isNotFound(err)) this.#log(`updating PodScheduled of ${pod.metadata?.namespace}/${pod.metadata?.name}`, err);
    });
  }
}

export interface StartSchedulerOptions extends Omit<SchedulerOptions, 'io'> {
  client: Client;
  informerFactory: SharedInformerFactory;
  signal: AbortSignal;
  /** Replaces the API writes (tests); by default they go through `client`. */
  io?: SchedulerIO;
  /** Where the default I/O records events; a new EventRecorder (source default-scheduler) otherwise. */
  recorder?: ClientSchedulerIOOptions['recorder'];
}

export interface RunningScheduler {
  scheduler: Scheduler;
  /** Resolves once the signal aborted and the bindings in flight settled. */
  done: Promise<void>;
}

/**
 * Wires the shared pod and node informers to a Scheduler, starts them, waits for their caches
 * and runs the loop until `signal` aborts.
 */
export function startScheduler(options: StartSchedulerOptions): RunningScheduler {
  const { client, informerFactory, signal } = options;
  const io = options.io ?? clientSchedulerIO(client, options.recorder ? { recorder: options.recorder } : {});
  const scheduler = new Scheduler({ ...options, io });
  const pods = informerFactory.informerFor<Pod>(PODS);
  const nodes = informerFactory.informerFor<Node>(NODES);
  pods.addEventHandler({
    onAdd: (pod) => scheduler.onPodAdd(pod),
    onUpdate: (oldPod, pod) => scheduler.onPodUpdate(oldPod, pod),
    onDelete: (pod) => scheduler.onPodDelete(unwrapTombstone(pod)),
  });
  nodes.addEventHandler({
    onAdd: (node) => scheduler.onNodeAdd(node),
    onUpdate: (oldNode, node) => scheduler.onNodeUpdate(oldNode, node),
    onDelete: (node) => scheduler.onNodeDelete(unwrapTombstone(node)),
  });
  informerFactory.start(signal);
  const done = (async () => {
    const synced = await Promise.all([pods.waitForSync(signal), nodes.waitForSync(signal)]);
    if (synced.every(Boolean)) await scheduler.run(signal);
  })();
  return { scheduler, done };
}
