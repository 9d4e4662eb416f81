// Rate limiters deciding how long a failed key waits before it is retried (client-go
// util/workqueue default_rate_limiters.go): per-key exponential backoff, an overall token bucket,
// and their combination by maximum, which is client-go's DefaultControllerRateLimiter.
import { type Clock, realClock } from '../clock.js';

export interface RateLimiter<K = string> {
  /** How long `key` should wait now (milliseconds); counts as one more failure. */
  when(key: K): number;
  /** Stops tracking `key` (its next failure starts the backoff from the beginning). */
  forget(key: K): void;
  /** How many times `key` has been rate limited since it was last forgotten. */
  numRequeues(key: K): number;
}

/** base * 2^failures, capped at max: 5 ms, 10 ms, 20 ms, ... 1000 s by default. */
export class ItemExponentialRateLimiter<K = string> implements RateLimiter<K> {
  readonly #failures = new Map<K, number>();
  constructor(
    readonly baseDelayMs = 5,
    readonly maxDelayMs = 1_000_000,
  ) {}

  when(key: K): number {
    const exp = this.#failures.get(key) ?? 0;
    this.#failures.set(key, exp + 1);
    const backoff = this.baseDelayMs * 2 ** exp;
    return Number.isFinite(backoff) && backoff < this.maxDelayMs ? backoff : this.maxDelayMs;
  }

  forget(key: K): void {
    this.#failures.delete(key);
  }

  numRequeues(key: K): number {
    return this.#failures.get(key) ?? 0;
  }
}

/**
 * A token bucket shared by all keys (golang.org/x/time/rate Limiter.Reserve semantics): it starts
 * full with `burst` tokens and refills at `qps`; each call takes a token, going into debt when
 * none is left, and the debt divided by the rate is the delay.
 */
export class BucketRateLimiter<K = string> implements RateLimiter<K> {
  #tokens: number;
  #last: number;
  readonly #clock: Clock;

  constructor(
    readonly qps = 10,
    readonly burst = 100,
    clock: Clock = realClock,
  ) {
    this.#clock = clock;
    this.#tokens = burst;
    this.#last = clock.now();
  }

  when(_key: K): number {
    const now = this.#clock.now();
    if (now > this.#last) {
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.qps);
      this.#last = now;
    }
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.qps) * 1000;
  }

  forget(_key: K): void {}

  numRequeues(_key: K): number {
    return 0;
  }
}

/** The worst (longest) answer of several limiters; every limiter sees every call. */
export class MaxOfRateLimiter<K = string> implements RateLimiter<K> {
  readonly #limiters: RateLimiter<K>[];
  constructor(...limiters: RateLimiter<K>[]) {
    this.#limiters = limiters;
  }

  when(key: K): number {
    let delay = 0;
    for (const limiter of this.#limiters) delay = Math.max(delay, limiter.when(key));
    return delay;
  }

  forget(key: K): void {
    for (const limiter of this.#limiters) limiter.forget(key);
  }

  numRequeues(key: K): number {
    let n = 0;
    for (const limiter of this.#limiters) n = Math.max(n, limiter.numRequeues(key));
    return n;
  }
}

/** client-go's DefaultControllerRateLimiter: per-key 5 ms..1000 s backoff, overall 10 qps with burst 100. */
export function defaultControllerRateLimiter<K = string>(clock: Clock = realClock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(new ItemExponentialRateLimiter<K>(5, 1_000_000), new BucketRateLimiter<K>(10, 100, clock));
}
