// The informer's local cache: objects by "namespace/name" key plus named secondary indexes
// (client-go's cache.Indexer). Objects stored here are shared by every consumer: never mutate them.
import { metaNamespaceKey } from '../apimachinery/meta.js';
import type { ApiObject } from './types.js';

/** The index values of an object; an object may be under several values or none. */
export type IndexFunc<T> = (obj: T) => string[];

export const NAMESPACE_INDEX = 'namespace';

export const indexByNamespace: IndexFunc<ApiObject> = (obj) => [obj.metadata?.namespace ?? ''];

/** Pods by the node they are bound to (unbound pods are in no index value). */
export const indexByNodeName: IndexFunc<ApiObject & { spec?: { nodeName?: string } }> = (obj) =>
  obj.spec?.nodeName ? [obj.spec.nodeName] : [];

/** Objects by the uid of every owner they reference (the garbage collector's view). */
export const indexByOwnerUid: IndexFunc<ApiObject> = (obj) => (obj.metadata?.ownerReferences ?? []).map((ref) => ref.uid);

/** Objects by the uid of their controller (the owner reference with controller: true). */
export const indexByControllerUid: IndexFunc<ApiObject> = (obj) =>
  (obj.metadata?.ownerReferences ?? []).filter((ref) => ref.controller === true).map((ref) => ref.uid);

export const objectKey = (obj: ApiObject): string => metaNamespaceKey(obj);

export class Indexer<T extends ApiObject> {
  readonly #items = new Map<string, T>();
  readonly #indexers = new Map<string, IndexFunc<T>>();
  /** index name -> index value -> keys */
  readonly #indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    this.addIndexers(indexers);
  }

  /** Adds indexes; existing objects are indexed at once. Re-adding a name with the same function is a no-op. */
  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    for (const [name, fn] of Object.entries(indexers)) {
      const existing = this.#indexers.get(name);
      if (existing === fn) continue;
      if (existing) throw new Error(`index ${name} already exists with another function`);
      this.#indexers.set(name, fn);
      const index = new Map<string, Set<string>>();
      this.#indices.set(name, index);
      for (const [key, obj] of this.#items) this.#addToIndex(index, fn(obj), key);
    }
  }

  hasIndex(name: string): boolean {
    return this.#indexers.has(name);
  }

  get size(): number {
    return this.#items.size;
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  list(): T[] {
    return [...this.#items.values()];
  }

  listKeys(): string[] {
    return [...this.#items.keys()];
  }

  /** Objects whose index `name` includes `value`. */
  byIndex(name: string, value: string): T[] {
    return this.indexKeys(name, value).map((key) => this.#items.get(key)!);
  }

  indexKeys(name: string, value: string): string[] {
    const index = this.#indices.get(name);
    if (!index) throw new Error(`index ${name} does not exist`);
    return [...(index.get(value) ?? [])];
  }

  /** The values index `name` currently holds. */
  indexValues(name: string): string[] {
    const index = this.#indices.get(name);
    if (!index) throw new Error(`index ${name} does not exist`);
    return [...index.keys()];
  }

  /** Stores `obj` under `key`; returns what was there. */
  set(key: string, obj: T): T | undefined {
    const old = this.#items.get(key);
    this.#items.set(key, obj);
    for (const [name, fn] of this.#indexers) {
      const index = this.#indices.get(name)!;
      if (old) this.#removeFromIndex(index, fn(old), key);
      this.#addToIndex(index, fn(obj), key);
    }
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.#items.get(key);
    if (old === undefined) return undefined;
    this.#items.delete(key);
    for (const [name, fn] of this.#indexers) this.#removeFromIndex(this.#indices.get(name)!, fn(old), key);
    return old;
  }

  #addToIndex(index: Map<string, Set<string>>, values: string[], key: string): void {
    for (const value of values) {
      let keys = index.get(value);
      if (!keys) index.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  #removeFromIndex(index: Map<string, Set<string>>, values: string[], key: string): void {
    for (const value of values) {
      const keys = index.get(value);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) index.delete(value);
    }
  }
}
