// Controller expectations (controller_utils.go ControllerExpectations + UIDTrackingControllerExpectations):
// after asking the API for N creations or deletions, a controller waits until its informer has
// shown them before acting on that owner again, so a stale cache never makes it act twice.
// Expectations expire after 5 minutes so a lost watch event cannot wedge an owner forever.
import { type Clock, realClock } from '../../client/clock.js';

export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  setAt: number;
}

export class ControllerExpectations {
  readonly #items = new Map<string, Expectation>();
  /** Owner key -> keys of the pods whose deletion is awaited (each observed once). */
  readonly #deletions = new Map<string, Set<string>>();
  readonly #clock: Clock;

  constructor(clock: Clock = realClock) {
    this.#clock = clock;
  }

  /** True when the owner may act: nothing awaited, all observed, or the wait expired. */
  satisfied(key: string): boolean {
    const exp = this.#items.get(key);
    if (!exp) return true;
    if (exp.add <= 0 && exp.del <= 0) return true;
    return this.#clock.now() - exp.setAt > EXPECTATIONS_TIMEOUT_MS;
  }

  expectCreations(key: string, count: number): void {
    this.#items.set(key, { add: count, del: 0, setAt: this.#clock.now() });
  }

  /** Expect the deletion of these pods (by "namespace/name"). */
  expectDeletions(key: string, podKeys: string[]): void {
    this.#deletions.set(key, new Set(podKeys));
    this.#items.set(key, { add: 0, del: podKeys.length, setAt: this.#clock.now() });
  }

  creationObserved(key: string): void {
    this.#lower(key, 1, 0);
  }

  /** A pod of this owner went away (or was marked for deletion); counted once per pod. */
  deletionObserved(key: string, podKey: string): void {
    const awaited = this.#deletions.get(key);
    if (!awaited?.has(podKey)) return;
    awaited.delete(podKey);
    this.#lower(key, 0, 1);
  }

  /** The owner is gone: forget what it waited for. */
  delete(key: string): void {
    this.#items.delete(key);
    this.#deletions.delete(key);
  }

  /** For tests and logs: what is still awaited. */
  pending(key: string): { add: number; del: number } | undefined {
    const exp = this.#items.get(key);
    return exp && { add: exp.add, del: exp.del };
  }

  #lower(key: string, add: number, del: number): void {
    const exp = this.#items.get(key);
    if (!exp) return;
    exp.add -= add;
    exp.del -= del;
  }
}
