// Expectations (controller_utils.go ControllerExpectations) for controllers that create and
// delete in one sync: after asking for N creations and M deletions, the owner is not acted on
// again until the informer has shown them (or 5 minutes pass, so a lost event cannot wedge it).
// The ReplicaSet controller's version sets one kind at a time; a DaemonSet sync needs both.
import { type Clock, realClock } from '../../client/clock.js';

export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Pending {
  add: number;
  /** Keys ("namespace/name") of pods whose deletion is awaited; each counts once. */
  deleting: Set<string>;
  setAt: number;
}

export class Expectations {
  readonly #items = new Map<string, Pending>();
  readonly #clock: Clock;

  constructor(clock: Clock = realClock) {
    this.#clock = clock;
  }

  satisfied(key: string): boolean {
    const p = this.#items.get(key);
    if (!p || (p.add <= 0 && p.deleting.size === 0)) return true;
    return this.#clock.now() - p.setAt > EXPECTATIONS_TIMEOUT_MS;
  }

  expect(key: string, add: number, deleting: string[]): void {
    this.#items.set(key, { add, deleting: new Set(deleting), setAt: this.#clock.now() });
  }

  creationObserved(key: string): void {
    const p = this.#items.get(key);
    if (p) p.add--;
  }

  /** The pod is gone or being deleted (a graceful delete shows twice; it counts once). */
  deletionObserved(key: string, podKey: string): void {
    this.#items.get(key)?.deleting.delete(podKey);
  }

  delete(key: string): void {
    this.#items.delete(key);
  }

  pending(key: string): { add: number; del: number } | undefined {
    const p = this.#items.get(key);
    return p && { add: p.add, del: p.deleting.size };
  }
}
