// "Expectations" keep a controller from acting twice on a stale cache (pkg/controller
// controller_utils.go ControllerExpectations, and the Job controller's uidTrackingExpectations):
// after creating N pods, a Job is not managed again until the informer has shown those N pods,
// or five minutes have passed.
import { type Clock, realClock } from '../../client/clock.js';

/** How long an unfulfilled expectation blocks syncs before it is ignored (ExpectationsTimeout). */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  setAt: number;
}

export class ControllerExpectations {
  readonly #items = new Map<string, Expectation>();
  readonly #clock: Clock;

  constructor(clock: Clock = realClock) {
    this.#clock = clock;
  }

  /** True when nothing is awaited for `key` (none recorded, all observed, or expired). */
  satisfied(key: string): boolean {
    const e = this.#items.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.#clock.now() - e.setAt > EXPECTATIONS_TIMEOUT_MS;
  }

  expectCreations(key: string, count: number): void {
    this.#items.set(key, { add: count, del: 0, setAt: this.#clock.now() });
  }

  expectDeletions(key: string, count: number): void {
    this.#items.set(key, { add: 0, del: count, setAt: this.#clock.now() });
  }

  creationObserved(key: string): void {
    const e = this.#items.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string): void {
    const e = this.#items.get(key);
    if (e) e.del--;
  }

  delete(key: string): void {
    this.#items.delete(key);
  }
}

/** Pod UIDs per Job whose tracking finalizer the controller removed and has not yet seen gone. */
export class UidTrackingExpectations {
  readonly #items = new Map<string, Set<string>>();

  expectedUids(key: string): ReadonlySet<string> {
    return this.#items.get(key) ?? new Set();
  }

  expectFinalizersRemoved(key: string, uids: string[]): void {
    let set = this.#items.get(key);
    if (!set) this.#items.set(key, (set = new Set()));
    for (const uid of uids) set.add(uid);
  }

  finalizerRemovalObserved(key: string, uid: string): void {
    const set = this.#items.get(key);
    if (!set) return;
    set.delete(uid);
    if (set.size === 0) this.#items.delete(key);
  }

  delete(key: string): void {
    this.#items.delete(key);
  }
}
