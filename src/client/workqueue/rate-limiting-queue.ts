// The rate-limited layer (client-go RateLimitingInterface): a failed key comes back after the
// limiter's delay; forget() clears its failure count once it succeeds.
import type { Clock } from '../clock.js';
import { DelayingQueue } from './delaying-queue.js';
import { type RateLimiter, defaultControllerRateLimiter } from './rate-limiters.js';

export interface RateLimitingQueueOptions<K> {
  clock?: Clock;
  /** Defaults to defaultControllerRateLimiter() on the same clock. */
  rateLimiter?: RateLimiter<K>;
}

export class RateLimitingQueue<K = string> extends DelayingQueue<K> {
  readonly rateLimiter: RateLimiter<K>;

  constructor(opts: RateLimitingQueueOptions<K> = {}) {
    super({ clock: opts.clock });
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
  }

  /** Adds `key` after the delay the rate limiter gives it (one more failure counted). */
  addRateLimited(key: K): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** The key succeeded: its backoff starts from the beginning next time. */
  forget(key: K): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.rateLimiter.numRequeues(key);
  }
}
