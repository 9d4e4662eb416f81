// The delaying layer (client-go DelayingInterface): addAfter(key, ms) adds the key once the delay
// has passed. A key waiting twice keeps the earlier time, as client-go's waitingForQueue does.
import { type Clock, type TimerHandle, realClock } from '../clock.js';
import { WorkQueue } from './queue.js';

export interface DelayingQueueOptions {
  clock?: Clock;
}

export class DelayingQueue<K = string> extends WorkQueue<K> {
  readonly clock: Clock;
  /** Key -> the time it becomes ready. */
  readonly #waiting = new Map<K, number>();
  #timer: TimerHandle | undefined;
  #timerDue = Infinity;

  constructor(opts: DelayingQueueOptions = {}) {
    super();
    this.clock = opts.clock ?? realClock;
  }

  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown()) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.clock.now() + delayMs;
    const existing = this.#waiting.get(key);
    if (existing !== undefined && existing <= readyAt) return;
    this.#waiting.set(key, readyAt);
    if (readyAt < this.#timerDue) this.#arm(readyAt);
  }

  /** Keys waiting for their delay to pass. */
  waitingLen(): number {
    return this.#waiting.size;
  }

  override shutDown(): void {
    this.#disarm();
    this.#waiting.clear();
    super.shutDown();
  }

  #arm(due: number): void {
    this.#disarm();
    this.#timerDue = due;
    this.#timer = this.clock.setTimeout(() => this.#fire(), due - this.clock.now());
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Infinity;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerDue = Infinity;
    const now = this.clock.now();
    // Ready keys go in ready-time order; a linear scan is fine for controller-sized queues.
    const ready = [...this.#waiting].filter(([, at]) => at <= now).sort((a, b) => a[1] - b[1]);
    for (const [key] of ready) {
      this.#waiting.delete(key);
      this.add(key);
    }
    let next = Infinity;
    for (const at of this.#waiting.values()) next = Math.min(next, at);
    if (next !== Infinity) this.#arm(next);
  }
}
