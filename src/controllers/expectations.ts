// Controller expectations (controller_utils.go ControllerExpectations, with the pod keys of
// UIDTrackingControllerExpectations): after asking the API for N creations and some deletions, a
// controller does not act on that owner again until its informer has shown them, so a stale
// cache never makes it act twice. A deletion is awaited by pod key and counts once, although a
// graceful delete is seen twice (deletionTimestamp, then gone). Expectations expire after five
// minutes so a lost watch event cannot wedge an owner forever.
import { type Clock, realClock } from '../client/clock.js';

/** How long an unfulfilled expectation blocks syncs before it is ignored (ExpectationsTimeout). */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Pending {
  add: number;
  /** Keys ("namespace/name") of the pods whose deletion is awaited. */
  deleting: Set<string>;
  setAt: number;
}

export class ControllerExpectations {
  readonly #items = new Map<string, Pending>();
  readonly #clock: Clock;

  constructor(clock: Clock = realClock) {
    this.#clock = clock;
  }

  /** True when the owner may act: nothing awaited, all observed, or the wait expired. */
  satisfied(key: string): boolean {
    const p = this.#items.get(key);
    if (!p || (p.add <= 0 && p.deleting.size === 0)) return true;
    return this.#clock.now() - p.setAt > EXPECTATIONS_TIMEOUT_MS;
  }

  /** Expect `creations` new pods and the deletion of these pods (by "namespace/name"). */
  expect(key: string, creations: number, deletions: readonly string[] = []): void {
    this.#items.set(key, { add: creations, deleting: new Set(deletions), setAt: this.#clock.now() });
  }

  expectCreations(key: string, count: number): void {
    this.expect(key, count);
  }

  expectDeletions(key: string, podKeys: readonly string[]): void {
    this.expect(key, 0, podKeys);
  }

  /** A pod of this owner appeared, or a creation failed and will never appear. */
  creationObserved(key: string): void {
    const p = this.#items.get(key);
    if (p) p.add--;
  }

  /** A pod of this owner is gone or being deleted, or its deletion failed. */
  deletionObserved(key: string, podKey: string): void {
    this.#items.get(key)?.deleting.delete(podKey);
  }

  /** The owner is gone: forget what it waited for. */
  delete(key: string): void {
    this.#items.delete(key);
  }

  /** For tests and logs: what is still awaited. */
  pending(key: string): { add: number; del: number } | undefined {
    const p = this.#items.get(key);
    return p && { add: p.add, del: p.deleting.size };
  }
}
