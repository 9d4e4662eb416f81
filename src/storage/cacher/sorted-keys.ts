// Keys kept in a sorted array (etcd's order, see ../key-order.ts) with binary search. Hand-written rather than a tree library because
// lists (the hot path) walk contiguous memory, and an insert or delete is one memmove that stays
// in the microseconds for the object counts a cluster holds (100k keys: ~50 µs).
import { compareKeys } from '../key-order.js';

export class SortedKeys {
  #keys: string[] = [];

  get size(): number {
    return this.#keys.length;
  }

  /** Index of the first key >= key. */
  lowerBound(key: string): number {
    let lo = 0;
    let hi = this.#keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.#keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  at(index: number): string {
    return this.#keys[index];
  }

  insert(key: string): void {
    const i = this.lowerBound(key);
    if (this.#keys[i] !== key) this.#keys.splice(i, 0, key);
  }

  remove(key: string): void {
    const i = this.lowerBound(key);
    if (this.#keys[i] === key) this.#keys.splice(i, 1);
  }

  /** Replace all keys; sorts only when the input is not already in order. */
  reset(keys: string[]): void {
    for (let i = 1; i < keys.length; i++) {
      if (compareKeys(keys[i - 1], keys[i]) >= 0) {
        keys = [...new Set(keys)].sort(compareKeys);
        break;
      }
    }
    this.#keys = keys;
  }

  /** [start, end) indexes of the keys with this prefix. */
  prefixRange(prefix: string): [number, number] {
    if (prefix === '') return [0, this.#keys.length];
    return [this.lowerBound(prefix), this.lowerBound(prefixUpperBound(prefix))];
  }
}

/** The smallest string greater than every string with this (non-empty, '/'-ended) prefix. */
export function prefixUpperBound(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
