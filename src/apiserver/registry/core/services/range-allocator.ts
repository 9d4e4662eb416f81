// A set of integers handed out one by one (service IPs as 32-bit numbers, node ports), each owned
// by a Service uid. An allocation is "pending" until the Service is seen in the store, then
// "committed"; pending allocations of writes that never landed are reclaimed by repair.
export interface Allocation {
  owner: string;
  committed: boolean;
  /** ms since epoch when it was handed out (for reclaiming pending ones). */
  at: number;
  /** Store revision at which it was last seen committed (0 while pending). */
  rev: number;
}

export type AllocateResult = 'ok' | 'allocated' | 'out-of-range';

export interface RangeOptions {
  /** Values skipped by dynamic allocation; they can still be asked for explicitly. */
  reserved?: Iterable<number>;
  random?: () => number;
  now?: () => number;
}

export class RangeAllocator {
  readonly first: number;
  readonly size: number;
  readonly #used = new Map<number, Allocation>();
  readonly #reserved: Set<number>;
  readonly #random: () => number;
  readonly #now: () => number;

  constructor(first: number, size: number, opts: RangeOptions = {}) {
    this.first = first;
    this.size = size;
    this.#reserved = new Set(opts.reserved ?? []);
    this.#random = opts.random ?? Math.random;
    this.#now = opts.now ?? Date.now;
  }

  contains(value: number): boolean {
    return value >= this.first && value < this.first + this.size;
  }

  get(value: number): Allocation | undefined {
    return this.#used.get(value);
  }

  get usedCount(): number {
    return this.#used.size;
  }

  entries(): IterableIterator<[number, Allocation]> {
    return this.#used.entries();
  }

  /** Asks for one value; an owner may ask again for what it already holds. */
  allocateSpecific(value: number, owner: string, dryRun = false): AllocateResult {
    if (!this.contains(value)) return 'out-of-range';
    const current = this.#used.get(value);
    if (current && current.owner !== owner) return 'allocated';
    if (!current && !dryRun) this.#used.set(value, { owner, committed: false, at: this.#now(), rev: 0 });
    return 'ok';
  }

  /** A free value from a random starting point (so freed values are not reused at once), or null when full. */
  allocateNext(owner: string, dryRun = false): number | null {
    const start = Math.floor(this.#random() * this.size);
    for (let i = 0; i < this.size; i++) {
      const value = this.first + ((start + i) % this.size);
      if (this.#reserved.has(value) || this.#used.has(value)) continue;
      if (!dryRun) this.#used.set(value, { owner, committed: false, at: this.#now(), rev: 0 });
      return value;
    }
    return null;
  }

  /** Marks a value as stored for owner at `rev`; returns the other owner when two Services claim it. */
  commit(value: number, owner: string, rev: number): string | undefined {
    if (!this.contains(value)) return undefined;
    const current = this.#used.get(value);
    if (current && current.owner !== owner) {
      // The stored claim wins over a pending one that never landed.
      if (current.committed) return current.owner;
    }
    this.#used.set(value, { owner, committed: true, at: current?.at ?? this.#now(), rev: Math.max(rev, current?.owner === owner ? current.rev : 0) });
    return undefined;
  }

  release(value: number, owner?: string): void {
    const current = this.#used.get(value);
    if (current && (owner === undefined || current.owner === owner)) this.#used.delete(value);
  }

  /** Releases what `owner` holds except `keep`; pending values only when older than `pendingBefore`. */
  releaseOwnerExcept(owner: string, keep: ReadonlySet<number>, pendingBefore: number): void {
    for (const [value, a] of this.#used) {
      if (a.owner !== owner || keep.has(value)) continue;
      if (a.committed || a.at < pendingBefore) this.#used.delete(value);
    }
  }

  /**
   * After a full list at `listRevision` (holding `stored`): committed values not listed were freed
   * by a change the list already reflects; pending ones older than `pendingBefore` never landed.
   */
  sweep(stored: ReadonlySet<number>, listRevision: number, pendingBefore: number): void {
    for (const [value, a] of this.#used) {
      if (stored.has(value)) continue;
      if (a.committed ? a.rev <= listRevision : a.at < pendingBefore) this.#used.delete(value);
    }
  }
}
