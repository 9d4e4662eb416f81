// Per-key exponential backoff with the kubelet's semantics (client-go util/flowcontrol.Backoff):
// the first failure is retried at once and starts a 10 s window, each further failure inside the
// window doubles it up to 5 minutes, and an entry whose last failure is more than twice the
// maximum (10 minutes) before the next one starts over. Keys are e.g. "<pod uid>/<container>".
import type { Clock } from '../../client/clock.js';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** CrashLoopBackOff and image pull backoff, as the kubelet configures them. */
export const CONTAINER_BACKOFF: BackoffOptions = { initialMs: 10_000, maxMs: 300_000 };

interface Entry {
  backoffMs: number;
  /** When the failure that set backoffMs happened (ms). */
  lastUpdate: number;
}

export class Backoff {
  readonly #entries = new Map<string, Entry>();

  constructor(readonly clock: Clock, readonly opts: BackoffOptions = CONTAINER_BACKOFF) {}

  #expired(entry: Entry, eventTime: number): boolean {
    return eventTime - entry.lastUpdate > 2 * this.opts.maxMs;
  }

  /** The current window of `key` (0 when none). */
  get(key: string): number {
    return this.#entries.get(key)?.backoffMs ?? 0;
  }

  /** Records a failure at `eventTime`: starts the window, or doubles it. */
  next(key: string, eventTime: number): void {
    const entry = this.#entries.get(key);
    if (!entry || this.#expired(entry, eventTime)) {
      this.#entries.set(key, { backoffMs: this.opts.initialMs, lastUpdate: eventTime });
      return;
    }
    entry.backoffMs = Math.min(entry.backoffMs * 2, this.opts.maxMs);
    entry.lastUpdate = eventTime;
  }

  /** True while the window opened by the failure at `eventTime` has not passed yet. */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const entry = this.#entries.get(key);
    if (!entry || this.#expired(entry, eventTime)) return false;
    return this.clock.now() - eventTime < entry.backoffMs;
  }

  /** True while the window set by the last recorded failure has not passed (image pulls). */
  isInBackOffSinceUpdate(key: string): boolean {
    const entry = this.#entries.get(key);
    if (!entry) return false;
    const now = this.clock.now();
    if (this.#expired(entry, now)) return false;
    return now - entry.lastUpdate < entry.backoffMs;
  }

  /** Milliseconds until the window opened at `eventTime` closes (0 when already closed). */
  remaining(key: string, eventTime: number): number {
    return Math.max(0, eventTime + this.get(key) - this.clock.now());
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }

  /** Forgets every key starting with `prefix` (a pod's keys when it goes away). */
  resetPrefix(prefix: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  /** Drops entries idle for longer than twice the maximum (the kubelet's periodic GC). */
  gc(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.#entries) if (now - entry.lastUpdate > 2 * this.opts.maxMs) this.#entries.delete(key);
  }
}
