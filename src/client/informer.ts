// SharedInformer: one list+watch per resource feeding a local cache (Indexer) and the event
// handlers of every controller that shares it (client-go's sharedIndexInformer).
//
// The cache is updated before handlers are told, so a handler (or the sync it queues) reading
// the lister sees at least the state of the event. Objects in the cache, and those handed to
// handlers, are shared by all consumers: never mutate them; copy (structuredClone) and write
// the copy through the client. Tests set `freeze: true` to turn a mutation into a TypeError.
import { type Clock, type TimerHandle, realClock } from './clock.js';
import { type IndexFunc, Indexer, NAMESPACE_INDEX, indexByNamespace, objectKey } from './indexer.js';
import { type ListerWatcher, Reflector, type ReflectorOptions, type ReflectorSink } from './reflector.js';
import { apiVersionOf } from './resources.js';
import { DeletedFinalStateUnknown } from './tombstone.js';
import type { ApiObject, Client, ResourceType } from './types.js';

export interface ResourceEventHandlers<T> {
  /** isInInitialList: the object came from the first list (or the replay to a late handler). */
  onAdd?(obj: T, isInInitialList: boolean): void;
  /** Also called with old === new on resync. */
  onUpdate?(oldObj: T, newObj: T): void;
  /** A tombstone when the deletion was only noticed by a relist; use unwrapTombstone(). */
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

export interface HandlerRegistration {
  /** True once the handler has been told about every object of the informer's first list. */
  hasSynced(): boolean;
  remove(): void;
}

export interface InformerOptions<T> extends ReflectorOptions {
  type: ResourceType;
  /** Only this namespace; all namespaces (or a cluster-scoped resource) when absent. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  indexers?: Record<string, IndexFunc<T>>;
  /** Default resync period of handlers: onUpdate(obj, obj) for every cached object this often. 0/absent: never. */
  resyncPeriodMs?: number;
  /** Deep-freeze cached objects so a consumer that mutates one fails loudly (for tests). */
  freeze?: boolean;
  clock?: Clock;
}

interface Listener<T> {
  handlers: ResourceEventHandlers<T>;
  synced: boolean;
  resyncTimer?: TimerHandle;
  resyncPeriodMs: number;
}

export class SharedInformer<T extends ApiObject = ApiObject> implements ReflectorSink<T> {
  readonly type: ResourceType;
  readonly indexer: Indexer<T>;
  readonly #opts: InformerOptions<T>;
  readonly #lw: ListerWatcher<T>;
  readonly #clock: Clock;
  readonly #listeners = new Set<Listener<T>>();
  #reflector: Reflector<T> | undefined;
  #synced = false;
  #running = false;
  #syncWaiters: Array<(synced: boolean) => void> = [];

  /** Over any list/watch source; newInformer() builds one over a Client. */
  constructor(source: ListerWatcher<T>, opts: InformerOptions<T>) {
    this.type = opts.type;
    this.#opts = opts;
    this.#clock = opts.clock ?? realClock;
    this.indexer = new Indexer<T>({ [NAMESPACE_INDEX]: indexByNamespace, ...opts.indexers });
    this.#lw = source;
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.indexer.addIndexers(indexers);
  }

  /**
   * Registers handlers. Objects already in the cache are replayed to onAdd at once, so a
   * handler added late misses nothing.
   */
  addEventHandler(handlers: ResourceEventHandlers<T>, opts: { resyncPeriodMs?: number } = {}): HandlerRegistration {
    const listener: Listener<T> = { handlers, synced: false, resyncPeriodMs: opts.resyncPeriodMs ?? this.#opts.resyncPeriodMs ?? 0 };
    this.#listeners.add(listener);
    for (const obj of this.indexer.list()) this.#call('onAdd', () => handlers.onAdd?.(obj, true));
    if (this.#synced) this.#markSynced(listener);
    return {
      hasSynced: () => listener.synced,
      remove: () => {
        if (listener.resyncTimer) this.#clock.clearTimeout(listener.resyncTimer);
        this.#listeners.delete(listener);
      },
    };
  }

  /** Lists, then watches until `signal` aborts; resolves once stopped. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new Error(`informer for ${this.type.resource} is already running`);
    this.#running = true;
    this.#reflector = new Reflector<T>(this.#lw, this, { ...this.#opts, name: this.#opts.name ?? this.type.resource });
    try {
      await this.#reflector.run(signal);
    } finally {
      this.#running = false;
      for (const listener of this.#listeners) if (listener.resyncTimer) this.#clock.clearTimeout(listener.resyncTimer);
      const waiters = this.#syncWaiters;
      this.#syncWaiters = [];
      waiters.forEach((resolve) => resolve(this.#synced));
    }
  }

  get running(): boolean {
    return this.#running;
  }

  /** True once the first list is in the cache and every handler has been told about it. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** Resolves true when synced; false if `signal` aborts or the informer stops first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.#synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => resolve(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#syncWaiters.push((synced) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(synced);
      });
    });
  }

  lastSyncResourceVersion(): string {
    return this.#reflector?.lastResourceVersion ?? '';
  }

  // ReflectorSink: the reflector's view of the world becomes the cache, then events.

  replace(items: T[], _resourceVersion: string): void {
    const initial = !this.#synced;
    const seen = new Set<string>();
    for (const raw of items) {
      const obj = this.#prepare(raw);
      const key = objectKey(obj);
      seen.add(key);
      const old = this.indexer.set(key, obj);
      if (old === undefined) this.#dispatch('onAdd', (h) => h.onAdd?.(obj, initial));
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.#dispatch('onUpdate', (h) => h.onUpdate?.(old, obj));
    }
    for (const key of this.indexer.listKeys()) {
      if (seen.has(key)) continue;
      const last = this.indexer.delete(key)!;
      const tombstone = new DeletedFinalStateUnknown(key, last);
      this.#dispatch('onDelete', (h) => h.onDelete?.(tombstone));
    }
    if (initial) {
      this.#synced = true;
      for (const listener of this.#listeners) this.#markSynced(listener);
      const waiters = this.#syncWaiters;
      this.#syncWaiters = [];
      waiters.forEach((resolve) => resolve(true));
    }
  }

  added(raw: T): void {
    this.modified(raw);
  }

  modified(raw: T): void {
    const obj = this.#prepare(raw);
    const old = this.indexer.set(objectKey(obj), obj);
    if (old === undefined) this.#dispatch('onAdd', (h) => h.onAdd?.(obj, false));
    else this.#dispatch('onUpdate', (h) => h.onUpdate?.(old, obj));
  }

  deleted(raw: T): void {
    const obj = this.#prepare(raw);
    this.indexer.delete(objectKey(obj));
    this.#dispatch('onDelete', (h) => h.onDelete?.(obj));
  }

  /** Fills in kind/apiVersion (list items may omit them) and freezes when asked. */
  #prepare(raw: T): T {
    let obj = raw;
    if (this.type.kind && (!obj.kind || !obj.apiVersion)) obj = { ...obj, kind: obj.kind || this.type.kind, apiVersion: obj.apiVersion || apiVersionOf(this.type) };
    return this.#opts.freeze ? deepFreeze(obj) : obj;
  }

  #dispatch(what: string, call: (handlers: ResourceEventHandlers<T>) => void): void {
    for (const listener of [...this.#listeners]) this.#call(what, () => call(listener.handlers));
  }

  #call(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      // One handler's bug must not starve the others or stop the watch.
      this.#opts.log?.('event handler failed', { informer: this.type.resource, handler: what, error: err instanceof Error ? err.stack : String(err) });
    }
  }

  #markSynced(listener: Listener<T>): void {
    if (listener.synced) return;
    listener.synced = true;
    if (listener.resyncPeriodMs > 0) this.#scheduleResync(listener);
  }

  #scheduleResync(listener: Listener<T>): void {
    listener.resyncTimer = this.#clock.setTimeout(() => {
      if (!this.#listeners.has(listener) || !this.#running) return;
      for (const obj of this.indexer.list()) this.#call('onUpdate', () => listener.handlers.onUpdate?.(obj, obj));
      this.#scheduleResync(listener);
    }, listener.resyncPeriodMs);
  }
}

/** An informer for `opts.type` (in `opts.namespace`, with its selectors) over a Client. */
export function newInformer<T extends ApiObject = ApiObject>(client: Pick<Client, 'list' | 'watch'>, opts: InformerOptions<T>): SharedInformer<T> {
  return new SharedInformer<T>(bindListerWatcher<T>(client, opts), opts);
}

/** A ListerWatcher for one resource, scope and selector, over a Client. */
export function bindListerWatcher<T>(client: Pick<Client, 'list' | 'watch'>, opts: InformerOptions<T>): ListerWatcher<T> {
  const selectors = { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector };
  return {
    list: (listOpts) => client.list<T>(opts.type, opts.namespace, { ...listOpts, ...selectors }),
    watch: (watchOpts) => client.watch<T>(opts.type, opts.namespace, { ...watchOpts, ...selectors }),
  };
}

function deepFreeze<V>(value: V): V {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
