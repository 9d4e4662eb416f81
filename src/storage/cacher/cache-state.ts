// The cached objects of one prefix, by key in sorted order, and paged reads over them, either at
// the current revision or at an older one (the current state with the keys that changed since
// replaced by their older values).
import { compareKeys } from '../key-order.js';
import { SortedKeys } from './sorted-keys.js';
import type { Predicate } from './types.js';

export interface CacheEntry<T> {
  object: T;
  modRevision: number;
}

/** The state at an older revision, for the keys that changed since: the old object, or null when
 *  the key did not exist then. */
export type Overrides<T> = Map<string, T | null>;

export interface PageRequest<T> {
  prefix: string;
  /** Inclusive; must lie under the prefix. */
  startKey?: string;
  /** 0: no limit. */
  limit: number;
  predicate?: Predicate<T>;
  overrides?: Overrides<T>;
}

export interface Page<T> {
  items: T[];
  /** Key of the last item returned (where the next page continues after). */
  lastKey?: string;
  /** More keys follow the last item (they may not match the predicate). */
  more: boolean;
  /** Keys after the last item; only computed when there is no predicate and more is true. */
  remaining?: number;
}

export class CacheState<T> {
  readonly #keys = new SortedKeys();
  readonly #entries = new Map<string, CacheEntry<T>>();

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): CacheEntry<T> | undefined {
    return this.#entries.get(key);
  }

  set(key: string, entry: CacheEntry<T>): void {
    if (!this.#entries.has(key)) this.#keys.insert(key);
    this.#entries.set(key, entry);
  }

  delete(key: string): void {
    if (this.#entries.delete(key)) this.#keys.remove(key);
  }

  /** Replace everything (entries sorted by key are taken as they are). */
  reset(entries: Array<[string, CacheEntry<T>]>): void {
    this.#entries.clear();
    for (const [key, entry] of entries) this.#entries.set(key, entry);
    this.#keys.reset(entries.map(([key]) => key));
  }

  count(prefix: string): number {
    const [start, end] = this.#keys.prefixRange(prefix);
    return end - start;
  }

  /** Entries under the prefix in key order. */
  *entries(prefix: string): Generator<[string, CacheEntry<T>]> {
    const [start, end] = this.#keys.prefixRange(prefix);
    for (let i = start; i < end; i++) {
      const key = this.#keys.at(i);
      yield [key, this.#entries.get(key) as CacheEntry<T>];
    }
  }

  readPage(req: PageRequest<T>): Page<T> {
    const { prefix, limit, predicate, overrides } = req;
    const from = req.startKey !== undefined && compareKeys(req.startKey, prefix) > 0 ? req.startKey : prefix;
    const [, end] = this.#keys.prefixRange(prefix);
    let i = this.#keys.lowerBound(from);
    // Keys that existed at the older revision but are gone now: merged in by key order.
    const extras = overrides ? this.#extraKeys(overrides, prefix, from) : [];
    let j = 0;
    const items: T[] = [];
    let lastKey: string | undefined;
    while (i < end || j < extras.length) {
      const current = i < end ? this.#keys.at(i) : undefined;
      let key: string;
      let object: T | null | undefined;
      if (current !== undefined && (j >= extras.length || compareKeys(current, extras[j]) < 0)) {
        key = current;
        i++;
        object = overrides?.has(key) ? overrides.get(key) : this.#entries.get(key)?.object;
      } else {
        key = extras[j++];
        object = overrides?.get(key);
      }
      if (!object) continue;
      if (limit > 0 && items.length >= limit) {
        const page: Page<T> = { items, lastKey, more: true };
        if (!predicate) page.remaining = 1 + this.#countRest(i, end, extras, j, overrides);
        return page;
      }
      if (predicate && !predicate(object, key)) continue;
      items.push(object);
      lastKey = key;
    }
    return { items, lastKey, more: false };
  }

  #extraKeys(overrides: Overrides<T>, prefix: string, from: string): string[] {
    const out: string[] = [];
    for (const [key, object] of overrides) {
      if (object !== null && key.startsWith(prefix) && compareKeys(key, from) >= 0 && !this.#entries.has(key)) out.push(key);
    }
    return out.sort(compareKeys);
  }

  /** Existing keys left in [i, end) plus extras from j, as of the page's revision. */
  #countRest(i: number, end: number, extras: string[], j: number, overrides?: Overrides<T>): number {
    let n = end - i + (extras.length - j);
    if (overrides && overrides.size > 0) {
      const first = i < end ? this.#keys.at(i) : undefined;
      if (first !== undefined) {
        // Keys that exist now but did not at the older revision do not count.
        for (const [key, object] of overrides) {
          if (object === null && this.#entries.has(key) && compareKeys(key, first) >= 0 && this.#keys.lowerBound(key) < end) n--;
        }
      }
    }
    return n;
  }
}
