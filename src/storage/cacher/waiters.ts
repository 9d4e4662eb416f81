// Waiting for the cache: for a revision (reads that need "not older than N") and for readiness
// (the first list after start or a reset).

interface RevisionWaiter {
  revision: number;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class RevisionWaiters {
  readonly #waiters = new Set<RevisionWaiter>();

  /** Resolves when release() reaches `revision`; rejects with onTimeout() after timeoutMs. */
  wait(revision: number, timeoutMs: number, onTimeout: () => Error): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: RevisionWaiter = {
        revision,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(onTimeout());
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Resolve everyone waiting for `revision` or less. */
  release(revision: number): void {
    for (const w of this.#waiters) {
      if (w.revision > revision) continue;
      clearTimeout(w.timer);
      this.#waiters.delete(w);
      w.resolve();
    }
  }

  rejectAll(err: Error): void {
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.#waiters.clear();
  }
}

/** Readiness: open after each successful (re)list, closed while re-listing, failed for good on stop. */
export class ReadyGate {
  readonly #listeners = new Set<() => void>();
  #open = false;
  #failure: Error | null = null;

  get isOpen(): boolean {
    return this.#open;
  }

  open(): void {
    this.#open = true;
    for (const notify of [...this.#listeners]) notify();
  }

  close(): void {
    this.#open = false;
  }

  /** Closes for good: current and future waits reject with err. */
  fail(err: Error): void {
    this.#open = false;
    this.#failure = err;
    for (const notify of [...this.#listeners]) notify();
  }

  /** Resolves when open; rejects with onTimeout() after timeoutMs (Infinity: never times out). */
  wait(timeoutMs: number, onTimeout: () => Error): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#open) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const notify = (): void => {
        this.#listeners.delete(notify);
        if (timer) clearTimeout(timer);
        if (this.#failure) reject(this.#failure);
        else resolve();
      };
      this.#listeners.add(notify);
      if (timeoutMs !== Infinity) {
        timer = setTimeout(() => {
          this.#listeners.delete(notify);
          reject(onTimeout());
        }, timeoutMs);
      }
    });
  }
}
