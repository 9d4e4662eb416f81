// The basic work queue (client-go util/workqueue Type): FIFO of distinct keys where a key is
// never handed to two workers at once, and a key added while a worker holds it is queued again
// when that worker calls done().

export class WorkQueue<K = string> {
  // FIFO as an array plus a head index: shift() on a long array is O(n).
  #items: K[] = [];
  #head = 0;
  /** Keys that need processing (queued, or re-added while being processed). */
  readonly #dirty = new Set<K>();
  /** Keys handed out by get() and not yet done(). */
  readonly #processing = new Set<K>();
  #waiters: Array<(key: K | undefined) => void> = [];
  #drainWaiters: Array<() => void> = [];
  #shuttingDown = false;

  /** Marks `key` as needing processing; a no-op if it is already waiting or after shutdown. */
  add(key: K): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return; // queued again by done()
    this.#enqueue(key);
  }

  /**
   * The next key to work on, or undefined once the queue is shut down and empty. The caller
   * owns the key until it calls done(key).
   */
  get(): Promise<K | undefined> {
    if (this.len() > 0) return Promise.resolve(this.#take());
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Ends the work on `key`; if it was added meanwhile, it goes back in the queue. */
  done(key: K): void {
    if (!this.#processing.delete(key)) return;
    if (this.#dirty.has(key)) this.#enqueue(key);
    if (this.#processing.size === 0 && this.#drainWaiters.length > 0) {
      const waiters = this.#drainWaiters;
      this.#drainWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
  }

  /** Number of keys waiting (not counting those being processed). */
  len(): number {
    return this.#items.length - this.#head;
  }

  /** True while a worker holds `key`. */
  isProcessing(key: K): boolean {
    return this.#processing.has(key);
  }

  /** Refuses further adds; get() drains what is queued, then returns undefined. */
  shutDown(): void {
    this.#shuttingDown = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    waiters.forEach((resolve) => resolve(undefined));
  }

  /** shutDown(), then resolves when every key handed out has been done(). */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.#processing.size === 0) return;
    await new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
  }

  shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  #enqueue(key: K): void {
    this.#items.push(key);
    const waiter = this.#waiters.shift();
    if (waiter) waiter(this.#take());
  }

  #take(): K {
    const key = this.#items[this.#head] as K;
    this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    this.#processing.add(key);
    this.#dirty.delete(key);
    return key;
  }
}
