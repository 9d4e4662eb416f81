// LIST and GET for the cacher: decides per request whether memory can answer (and at which
// revision) or the store must, following Kubernetes' list semantics (see list-plan.ts).
import { internal } from '../../apimachinery/errors.js';
import { type KeyValue, type Store, isStoreError } from '../store.js';
import type { CacheState, Overrides } from './cache-state.js';
import { encodeContinue, keyAfter } from './continue-token.js';
import { continueTooOld, listTooOld, tooLargeResourceVersion } from './errors.js';
import type { EventBuffer } from './event-buffer.js';
import { parseResourceVersion, planList } from './list-plan.js';
import { listFromStore } from './store-list.js';
import type { CacherListOptions, CacherListResult, Predicate } from './types.js';

export interface ReaderContext<T> {
  store: Store;
  prefix: string;
  state: CacheState<T>;
  buffer: EventBuffer<T>;
  pageSize: number;
  decode: (kv: KeyValue) => T | null;
  status: () => { ready: boolean; revision: number };
  /** True when the cache has caught up with the store's current revision. */
  catchUp: () => Promise<boolean>;
  waitForRevision: (revision: number) => Promise<void>;
}

interface PageQuery<T> {
  prefix: string;
  startKey?: string;
  limit: number;
  predicate?: Predicate<T>;
}

export class CacheReader<T> {
  readonly #ctx: ReaderContext<T>;

  constructor(ctx: ReaderContext<T>) {
    this.#ctx = ctx;
  }

  async list(opts: CacherListOptions<T>, prefix: string): Promise<CacherListResult<T>> {
    const plan = planList(opts, prefix);
    const limit = opts.limit ?? 0;
    if (!(limit >= 0)) throw new Error(`limit must not be negative: ${limit}`);
    const query: PageQuery<T> = { prefix, limit, predicate: opts.predicate };
    switch (plan.kind) {
      case 'latest': {
        query.startKey = plan.startKey;
        if (await this.#ctx.catchUp()) {
          const page = this.#fromCache(query, null);
          if (page) return page;
        }
        return this.#fromStore(query, 0, plan.continued);
      }
      case 'notOlderThan': {
        if (this.#ctx.status().ready && plan.revision > 0) await this.#ctx.waitForRevision(plan.revision);
        const page = this.#fromCache(query, null);
        if (page) return page;
        const listed = await this.#fromStore(query, 0, false);
        if (listed.revision < plan.revision) throw tooLargeResourceVersion(plan.revision, listed.revision);
        return listed;
      }
      case 'exact': {
        query.startKey = plan.startKey;
        if (this.#ctx.status().ready && plan.revision > this.#ctx.status().revision) {
          await this.#ctx.waitForRevision(plan.revision);
        }
        const page = this.#fromCache(query, plan.revision);
        if (page) return page;
        return this.#fromStore(query, plan.revision, plan.continued);
      }
    }
  }

  async get(key: string, resourceVersion: string): Promise<T | null> {
    if (resourceVersion === '') {
      if ((await this.#ctx.catchUp()) && this.#ctx.status().ready) return this.#ctx.state.get(key)?.object ?? null;
      return this.#getFromStore(key);
    }
    const revision = parseResourceVersion(resourceVersion);
    if (this.#ctx.status().ready && revision > 0) await this.#ctx.waitForRevision(revision);
    if (!this.#ctx.status().ready) return this.#getFromStore(key);
    return this.#ctx.state.get(key)?.object ?? null;
  }

  /** A page from memory at the current revision (atRevision null) or an older one still in the
   *  buffer; null when memory cannot answer. */
  #fromCache(query: PageQuery<T>, atRevision: number | null): CacherListResult<T> | null {
    const { ready, revision: current } = this.#ctx.status();
    if (!ready) return null;
    const revision = atRevision ?? current;
    let overrides: Overrides<T> | undefined;
    if (revision > current) return null;
    if (revision < current) {
      if (revision < this.#ctx.buffer.resumableFrom) return null;
      overrides = this.#overridesAt(revision, query.prefix);
    }
    const page = this.#ctx.state.readPage({ ...query, overrides });
    const result: CacherListResult<T> = { items: page.items, revision };
    if (page.more && page.lastKey !== undefined) {
      result.continueToken = encodeContinue(keyAfter(page.lastKey), query.prefix, revision);
      if (page.remaining !== undefined) result.remainingItemCount = page.remaining;
    }
    return result;
  }

  /** For each key under the prefix changed after `revision`: its value at `revision`. */
  #overridesAt(revision: number, prefix: string): Overrides<T> {
    const overrides: Overrides<T> = new Map();
    this.#ctx.buffer.forEachSince(revision, (event) => {
      if (!overrides.has(event.key) && event.key.startsWith(prefix)) overrides.set(event.key, event.prevObject);
    });
    return overrides;
  }

  async #fromStore(query: PageQuery<T>, revision: number, continued: boolean): Promise<CacherListResult<T>> {
    try {
      return await listFromStore(this.#ctx.store, {
        ...query,
        revision,
        pageSize: this.#ctx.pageSize,
        decode: this.#ctx.decode,
      });
    } catch (err) {
      if (!isStoreError(err, 'Expired')) throw err;
      if (continued && query.startKey !== undefined) throw continueTooOld(encodeContinue(query.startKey, query.prefix, -1));
      throw listTooOld();
    }
  }

  async #getFromStore(key: string): Promise<T | null> {
    const kv = await this.#ctx.store.get(key);
    if (!kv) return null;
    const obj = this.#ctx.decode(kv);
    if (obj === null) throw internal(`cannot decode the stored object ${key}`);
    return obj;
  }
}
