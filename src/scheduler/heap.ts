// A binary heap keyed by string, with update and delete by key (client-go's cache heap, which
// the scheduling queue's activeQ and backoffQ are built on). No library offers keyed removal
// with the small footprint needed here.
export class KeyedHeap<T> {
  readonly #items: T[] = [];
  readonly #index = new Map<string, number>();
  readonly #key: (item: T) => string;
  readonly #less: (a: T, b: T) => boolean;

  constructor(key: (item: T) => string, less: (a: T, b: T) => boolean) {
    this.#key = key;
    this.#less = less;
  }

  get size(): number {
    return this.#items.length;
  }

  has(key: string): boolean {
    return this.#index.has(key);
  }

  get(key: string): T | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : this.#items[i];
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  /** Adds the item, or replaces the one with the same key and restores the order. */
  push(item: T): void {
    const key = this.#key(item);
    const i = this.#index.get(key);
    if (i !== undefined) {
      this.#items[i] = item;
      this.#fix(i);
      return;
    }
    this.#items.push(item);
    this.#index.set(key, this.#items.length - 1);
    this.#up(this.#items.length - 1);
  }

  pop(): T | undefined {
    if (this.#items.length === 0) return undefined;
    return this.#removeAt(0);
  }

  delete(key: string): T | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : this.#removeAt(i);
  }

  values(): IterableIterator<T> {
    return this.#items.values();
  }

  #removeAt(i: number): T {
    const items = this.#items;
    const item = items[i]!;
    const last = items.pop()!;
    this.#index.delete(this.#key(item));
    if (i < items.length) {
      items[i] = last;
      this.#index.set(this.#key(last), i);
      this.#fix(i);
    }
    return item;
  }

  #fix(i: number): void {
    if (!this.#down(i)) this.#up(i);
  }

  #up(i: number): void {
    const items = this.#items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(items[i]!, items[parent]!)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** Returns whether the item moved. */
  #down(start: number): boolean {
    const items = this.#items;
    const n = items.length;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.#less(items[r]!, items[l]!) ? r : l;
      if (!this.#less(items[child]!, items[i]!)) break;
      this.#swap(i, child);
      i = child;
    }
    return i > start;
  }

  #swap(a: number, b: number): void {
    const items = this.#items;
    const x = items[a]!;
    items[a] = items[b]!;
    items[b] = x;
    this.#index.set(this.#key(items[a]!), a);
    this.#index.set(this.#key(x), b);
  }
}
