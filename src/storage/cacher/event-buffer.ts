// The bounded history of recent changes under one prefix, oldest first: it lets watches resume
// from a recent revision and lets later pages of a list read the state at an older revision.

export interface BufferedEvent<T> {
  revision: number;
  key: string;
  /** The new state; null for a delete. */
  object: T | null;
  /** The state before; null for a create. */
  prevObject: T | null;
  /** When the event was buffered (for the age limit). */
  time: number;
}

export class EventBuffer<T> {
  readonly #capacity: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #ring: Array<BufferedEvent<T> | undefined>;
  #start = 0;
  #size = 0;
  /** Revision of the newest event dropped from the buffer. */
  #evictedThrough = 0;
  /** The cacher vouches that every event after this revision was buffered. */
  #coveredFrom = 0;

  constructor(capacity: number, maxAgeMs = Infinity, now: () => number = Date.now) {
    if (!(capacity >= 1)) throw new Error(`event buffer capacity must be at least 1, got ${capacity}`);
    this.#capacity = capacity;
    this.#maxAgeMs = maxAgeMs;
    this.#now = now;
    this.#ring = new Array<BufferedEvent<T> | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Every event with revision > resumableFrom is in the buffer. */
  get resumableFrom(): number {
    this.#evictOld();
    return Math.max(this.#evictedThrough, this.#coveredFrom);
  }

  /** Empty the buffer; from now on it covers every event after `coveredFrom`. */
  reset(coveredFrom: number): void {
    this.#ring = new Array<BufferedEvent<T> | undefined>(this.#capacity);
    this.#start = 0;
    this.#size = 0;
    this.#evictedThrough = 0;
    this.#coveredFrom = coveredFrom;
  }

  /** Widen (or narrow) the covered range once the cacher knows which events it holds. */
  setCoveredFrom(revision: number): void {
    this.#coveredFrom = revision;
  }

  push(event: BufferedEvent<T>): void {
    if (this.#size === this.#capacity) this.#evictFirst();
    this.#ring[(this.#start + this.#size) % this.#capacity] = event;
    this.#size++;
    this.#evictOld();
  }

  /** Events with revision > rev, oldest first; null when some of them are no longer buffered. */
  since(rev: number): BufferedEvent<T>[] | null {
    if (rev < this.resumableFrom) return null;
    const out: BufferedEvent<T>[] = [];
    for (let i = this.#firstAfter(rev); i < this.#size; i++) out.push(this.#at(i));
    return out;
  }

  /** Calls fn for each event with revision > rev, oldest first (no copy). */
  forEachSince(rev: number, fn: (event: BufferedEvent<T>) => void): void {
    for (let i = this.#firstAfter(rev); i < this.#size; i++) fn(this.#at(i));
  }

  #at(i: number): BufferedEvent<T> {
    return this.#ring[(this.#start + i) % this.#capacity] as BufferedEvent<T>;
  }

  /** Position of the first event with revision > rev (binary search; revisions increase). */
  #firstAfter(rev: number): number {
    let lo = 0;
    let hi = this.#size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#at(mid).revision <= rev) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #evictFirst(): void {
    const first = this.#at(0);
    this.#ring[this.#start] = undefined;
    this.#start = (this.#start + 1) % this.#capacity;
    this.#size--;
    this.#evictedThrough = first.revision;
  }

  #evictOld(): void {
    if (this.#maxAgeMs === Infinity) return;
    const cutoff = this.#now() - this.#maxAgeMs;
    while (this.#size > 0 && this.#at(0).time < cutoff) this.#evictFirst();
  }
}
