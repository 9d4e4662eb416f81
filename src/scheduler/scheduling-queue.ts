// The scheduling queue (pkg/scheduler/backend/queue PriorityQueue): pods waiting for a node.
//   activeQ        ready to schedule: highest priority first, then first in
//   backoffQ       failed recently: each attempt doubles the wait, 1 s up to 10 s
//   unschedulable  fit nowhere: parked until a cluster event may help (a node added or
//                  changed, a pod deleted), or for at most 5 minutes (checked every 30 s)
// Pods being scheduled are "in flight"; an event during their cycle sends them to backoff
// instead of unschedulable if they fail, so no event is missed.
import { type Clock, type TimerHandle, realClock } from '../client/clock.js';
import { KeyedHeap } from './heap.js';
import { type PodInfo, newPodInfo } from './pod-info.js';
import type { Pod } from './types.js';

export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When the pod last entered a queue: its FIFO position and the start of its backoff. */
  timestamp: number;
  /** When the pod was first queued. */
  initialTimestamp: number;
  /** Scheduling attempts so far; each pop counts one. */
  attempts: number;
}

export interface SchedulingQueueOptions {
  clock?: Clock;
  /** podInitialBackoffSeconds (1 s). */
  initialBackoffMs?: number;
  /** podMaxBackoffSeconds (10 s). */
  maxBackoffMs?: number;
  /** podMaxInUnschedulablePodsDuration (5 min). */
  maxInUnschedulableMs?: number;
  unschedulableFlushIntervalMs?: number;
  backoffFlushIntervalMs?: number;
}

interface InFlight {
  cycle: number;
  /** The pod changed (or a cluster event came) while it was being scheduled. */
  moved: boolean;
  deleted: boolean;
  /** The pod as last updated during its cycle; a retry schedules this version. */
  latest?: Pod;
}

const byPriorityThenAge = (a: QueuedPodInfo, b: QueuedPodInfo): boolean =>
  a.podInfo.priority > b.podInfo.priority || (a.podInfo.priority === b.podInfo.priority && a.timestamp < b.timestamp);

/** Spec, labels and annotations decide scheduling; a status-only update (our own condition patch) must not requeue. */
const relevantChange = (oldPod: Pod, pod: Pod): boolean =>
  JSON.stringify(oldPod.spec) !== JSON.stringify(pod.spec) ||
  JSON.stringify(oldPod.metadata?.labels) !== JSON.stringify(pod.metadata?.labels) ||
  JSON.stringify(oldPod.metadata?.annotations) !== JSON.stringify(pod.metadata?.annotations);

export class SchedulingQueue {
  readonly #clock: Clock;
  readonly #initialBackoff: number;
  readonly #maxBackoff: number;
  readonly #maxInUnschedulable: number;
  readonly #unschedulableFlushInterval: number;
  readonly #backoffFlushInterval: number;

  readonly #active = new KeyedHeap<QueuedPodInfo>((q) => q.podInfo.uid, byPriorityThenAge);
  readonly #backoff = new KeyedHeap<QueuedPodInfo>((q) => q.podInfo.uid, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
  readonly #unschedulable = new Map<string, QueuedPodInfo>();
  readonly #inFlight = new Map<string, InFlight>();
  #schedulingCycle = 0;
  #waiters: Array<() => void> = [];
  #timers: TimerHandle[] = [];
  #closed = false;

  constructor(options: SchedulingQueueOptions = {}) {
    this.#clock = options.clock ?? realClock;
    this.#initialBackoff = options.initialBackoffMs ?? 1_000;
    this.#maxBackoff = options.maxBackoffMs ?? 10_000;
    this.#maxInUnschedulable = options.maxInUnschedulableMs ?? 5 * 60_000;
    this.#unschedulableFlushInterval = options.unschedulableFlushIntervalMs ?? 30_000;
    this.#backoffFlushInterval = options.backoffFlushIntervalMs ?? 1_000;
  }

  /** Starts the periodic flushes of backoffQ (every second) and of long-unschedulable pods (every 30 s). */
  run(): void {
    const every = (ms: number, fn: () => void): void => {
      const arm = (): void => {
        if (this.#closed) return;
        const handle = this.#clock.setTimeout(() => {
          this.#timers = this.#timers.filter((t) => t !== handle);
          fn();
          arm();
        }, ms);
        this.#timers.push(handle);
      };
      arm();
    };
    every(this.#backoffFlushInterval, () => this.flushBackoffCompleted());
    every(this.#unschedulableFlushInterval, () => this.flushUnschedulableLeftover());
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers) this.#clock.clearTimeout(t);
    this.#timers = [];
    this.#wake();
  }

  get schedulingCycle(): number {
    return this.#schedulingCycle;
  }

  get lengths(): { active: number; backoff: number; unschedulable: number; inFlight: number } {
    return { active: this.#active.size, backoff: this.#backoff.size, unschedulable: this.#unschedulable.size, inFlight: this.#inFlight.size };
  }

  has(uid: string): boolean {
    return this.#active.has(uid) || this.#backoff.has(uid) || this.#unschedulable.has(uid);
  }

  isInFlight(uid: string): boolean {
    return this.#inFlight.has(uid);
  }

  /** A new pod waiting to be scheduled. */
  add(pod: Pod): void {
    const info = newPodInfo(pod);
    const now = this.#clock.now();
    this.#backoff.delete(info.uid);
    this.#unschedulable.delete(info.uid);
    this.#active.push({ podInfo: info, timestamp: now, initialTimestamp: now, attempts: 0 });
    this.#wake();
  }

  /** A waiting pod changed. A change that may matter moves it out of unschedulable. */
  update(oldPod: Pod, pod: Pod): void {
    const info = newPodInfo(pod);
    const uid = info.uid;
    const queued = this.#active.get(uid) ?? this.#backoff.get(uid);
    if (queued) {
      queued.podInfo = info;
      if (this.#active.has(uid)) this.#active.push(queued);
      return;
    }
    const parked = this.#unschedulable.get(uid);
    if (parked) {
      parked.podInfo = info;
      if (relevantChange(oldPod, pod)) {
        this.#unschedulable.delete(uid);
        this.#requeue(parked);
      }
      return;
    }
    const flight = this.#inFlight.get(uid);
    if (flight) {
      flight.latest = pod;
      if (relevantChange(oldPod, pod)) flight.moved = true;
      return;
    }
    this.add(pod);
  }

  delete(uid: string): void {
    this.#active.delete(uid);
    this.#backoff.delete(uid);
    this.#unschedulable.delete(uid);
    const flight = this.#inFlight.get(uid);
    if (flight) flight.deleted = true;
  }

  /** The next pod to schedule, waiting for one if needed; undefined once closed or aborted. */
  async pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    for (;;) {
      if (this.#closed || signal?.aborted) return undefined;
      const q = this.tryPop();
      if (q) return q;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.#waiters.push(done);
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** The next pod if one is ready now. The pod is in flight until done(). */
  tryPop(): QueuedPodInfo | undefined {
    const q = this.#active.pop();
    if (!q) return undefined;
    q.attempts++;
    this.#schedulingCycle++;
    this.#inFlight.set(q.podInfo.uid, { cycle: this.#schedulingCycle, moved: false, deleted: false });
    return q;
  }

  /**
   * AddUnschedulableIfNotPresent: the pod failed its cycle. Unschedulable pods park until an
   * event; errors (and pods that saw an event while in flight) back off and retry. A pod
   * deleted or re-added meanwhile is dropped.
   */
  requeueFailed(q: QueuedPodInfo, kind: 'unschedulable' | 'error'): void {
    const uid = q.podInfo.uid;
    const flight = this.#inFlight.get(uid);
    this.#inFlight.delete(uid);
    if (flight?.deleted || this.has(uid)) return;
    if (flight?.latest) q.podInfo = newPodInfo(flight.latest);
    q.timestamp = this.#clock.now();
    if (kind === 'error' || flight?.moved) this.#backoff.push(q);
    else this.#unschedulable.set(uid, q);
  }

  /** The pod's cycle ended without a requeue (it was assumed and bound, or dropped). */
  done(uid: string): void {
    this.#inFlight.delete(uid);
  }

  /**
   * MoveAllToActiveOrBackoffQueue: a cluster event (node added or changed, pod deleted) may
   * make parked pods fit. Pods still backing off wait in backoffQ; pods in flight retry.
   */
  moveAllToActiveOrBackoff(): void {
    for (const q of this.#unschedulable.values()) this.#requeue(q);
    this.#unschedulable.clear();
    for (const flight of this.#inFlight.values()) flight.moved = true;
  }

  /** calculateBackoffDuration: initial * 2^(attempts-1), at most max. */
  backoffDuration(q: QueuedPodInfo): number {
    let d = this.#initialBackoff;
    for (let i = 1; i < q.attempts; i++) {
      if (d > this.#maxBackoff - d) return this.#maxBackoff;
      d += d;
    }
    return Math.min(d, this.#maxBackoff);
  }

  backoffExpiry(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q);
  }

  flushBackoffCompleted(): void {
    const now = this.#clock.now();
    let moved = false;
    for (let q = this.#backoff.peek(); q && this.backoffExpiry(q) <= now; q = this.#backoff.peek()) {
      this.#backoff.pop();
      this.#active.push(q);
      moved = true;
    }
    if (moved) this.#wake();
  }

  flushUnschedulableLeftover(): void {
    const now = this.#clock.now();
    for (const [uid, q] of this.#unschedulable) {
      if (now - q.timestamp > this.#maxInUnschedulable) {
        this.#unschedulable.delete(uid);
        this.#requeue(q);
      }
    }
  }

  #requeue(q: QueuedPodInfo): void {
    if (this.backoffExpiry(q) > this.#clock.now()) this.#backoff.push(q);
    else {
      this.#active.push(q);
      this.#wake();
    }
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
