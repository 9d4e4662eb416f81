// Typed read access to an informer's cache (client-go's listers): list by namespace and label
// selector, get by name. Everything returned is the cached object itself: never mutate it.
import { type Selector, parseSelector } from '../apimachinery/labels.js';
import { type Indexer, NAMESPACE_INDEX } from './indexer.js';
import type { ApiObject } from './types.js';

/** A parsed Selector, a selector string ("app=web,tier!=db"), or nothing for everything. */
export type SelectorInput = Selector | string | undefined;

const toSelector = (input: SelectorInput): Selector | undefined => {
  if (input === undefined || input === '') return undefined;
  return typeof input === 'string' ? parseSelector(input) : input;
};

const filter = <T extends ApiObject>(items: T[], input: SelectorInput): T[] => {
  const selector = toSelector(input);
  if (!selector || selector.isEmpty()) return items;
  return items.filter((obj) => selector.matches(obj.metadata?.labels));
};

export class Lister<T extends ApiObject = ApiObject> {
  constructor(readonly indexer: Indexer<T>) {}

  /** Objects in every namespace (or every object of a cluster-scoped resource) matching `selector`. */
  list(selector?: SelectorInput): T[] {
    return filter(this.indexer.list(), selector);
  }

  /** By cache key: "namespace/name", or "name" for cluster-scoped objects. */
  getByKey(key: string): T | undefined {
    return this.indexer.get(key);
  }

  /** A cluster-scoped object by name. */
  get(name: string): T | undefined {
    return this.indexer.get(name);
  }

  /** Objects under `value` in the named index (e.g. pods by node name). */
  byIndex(indexName: string, value: string): T[] {
    return this.indexer.byIndex(indexName, value);
  }

  namespace(namespace: string): NamespaceLister<T> {
    return new NamespaceLister<T>(this.indexer, namespace);
  }
}

export class NamespaceLister<T extends ApiObject = ApiObject> {
  constructor(
    readonly indexer: Indexer<T>,
    readonly namespaceName: string,
  ) {}

  list(selector?: SelectorInput): T[] {
    const items = this.indexer.hasIndex(NAMESPACE_INDEX)
      ? this.indexer.byIndex(NAMESPACE_INDEX, this.namespaceName)
      : this.indexer.list().filter((obj) => (obj.metadata?.namespace ?? '') === this.namespaceName);
    return filter(items, selector);
  }

  get(name: string): T | undefined {
    return this.indexer.get(`${this.namespaceName}/${name}`);
  }
}
