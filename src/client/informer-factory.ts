// One informer per resource, shared by every controller in the process (client-go's
// SharedInformerFactory): controllers ask for informers and listers while being constructed,
// then the factory starts them all and waits for their caches.
import type { IndexFunc } from './indexer.js';
import { type InformerOptions, SharedInformer, newInformer } from './informer.js';
import { Lister } from './lister.js';
import { resourceKey } from './resources.js';
import type { ApiObject, Client, ResourceType } from './types.js';

export type InformerFactoryOptions = Omit<InformerOptions<ApiObject>, 'type' | 'indexers' | 'labelSelector' | 'fieldSelector'>;

export class SharedInformerFactory {
  readonly #client: Pick<Client, 'list' | 'watch'>;
  readonly #opts: InformerFactoryOptions;
  readonly #informers = new Map<string, SharedInformer<ApiObject>>();
  readonly #runs = new Map<string, Promise<void>>();

  constructor(client: Pick<Client, 'list' | 'watch'>, opts: InformerFactoryOptions = {}) {
    this.#client = client;
    this.#opts = opts;
  }

  /** The shared informer of `type`, created on first use; extra indexes are added to it. */
  informerFor<T extends ApiObject = ApiObject>(type: ResourceType, indexers: Record<string, IndexFunc<T>> = {}): SharedInformer<T> {
    const key = resourceKey(type);
    let informer = this.#informers.get(key) as SharedInformer<T> | undefined;
    if (!informer) {
      informer = newInformer<T>(this.#client, { ...(this.#opts as InformerOptions<T>), type });
      this.#informers.set(key, informer as unknown as SharedInformer<ApiObject>);
    }
    informer.addIndexers(indexers);
    return informer;
  }

  listerFor<T extends ApiObject = ApiObject>(type: ResourceType): Lister<T> {
    return new Lister<T>(this.informerFor<T>(type).indexer);
  }

  /** Starts every informer not yet started (call again after asking for more). */
  start(signal: AbortSignal): void {
    for (const [key, informer] of this.#informers) {
      if (this.#runs.has(key)) continue;
      this.#runs.set(key, informer.run(signal));
    }
  }

  /** True when every started informer has synced; false if `signal` aborted first. */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const started = [...this.#runs.keys()].map((key) => this.#informers.get(key)!);
    const results = await Promise.all(started.map((informer) => informer.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Resolves when every started informer has stopped (after the start signal aborted). */
  async stopped(): Promise<void> {
    await Promise.all(this.#runs.values());
  }
}

/** The same factory under the shorter name some callers use. */
export { SharedInformerFactory as InformerFactory };
