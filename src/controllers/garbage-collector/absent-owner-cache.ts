// Owners confirmed gone (Kubernetes' absentOwnerCache): a uid is never reused, so once an owner
// is known absent its dependents need no further GET for it. Keyed by "namespace/uid" because a
// namespaced owner looked up from a dependent in another namespace is absent there, not everywhere.
// Bounded LRU on a Map's insertion order: small enough not to warrant a dependency.

export class AbsentOwnerCache {
  readonly #max: number;
  readonly #keys = new Map<string, true>();

  constructor(max = 500) {
    this.#max = max;
  }

  static key(namespace: string, uid: string): string {
    return `${namespace}/${uid}`;
  }

  add(namespace: string, uid: string): void {
    const key = AbsentOwnerCache.key(namespace, uid);
    this.#keys.delete(key);
    this.#keys.set(key, true);
    if (this.#keys.size > this.#max) this.#keys.delete(this.#keys.keys().next().value as string);
  }

  has(namespace: string, uid: string): boolean {
    const key = AbsentOwnerCache.key(namespace, uid);
    if (!this.#keys.has(key)) return false;
    // Refresh recency.
    this.#keys.delete(key);
    this.#keys.set(key, true);
    return true;
  }

  get size(): number {
    return this.#keys.size;
  }
}
