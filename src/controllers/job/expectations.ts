// The Job controller's uidTrackingExpectations: pods whose tracking finalizer it removed, awaited
// until the informer shows the change, so a pod is never counted twice as finished.
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
