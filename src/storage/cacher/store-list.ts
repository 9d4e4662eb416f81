// Lists served by the store instead of the cache: while the cache (re)initializes, for revisions
// older than its buffer, and for consistent reads the cache cannot prove it has caught up with.
import type { KeyValue, Store } from '../store.js';
import { encodeContinue, keyAfter } from './continue-token.js';
import type { CacherListResult, Predicate } from './types.js';

export interface StoreListRequest<T> {
  prefix: string;
  startKey?: string;
  limit: number;
  predicate?: Predicate<T>;
  /** 0: the current revision. */
  revision: number;
  pageSize: number;
  /** Decodes and sets resourceVersion; null skips an undecodable value. */
  decode: (kv: KeyValue) => T | null;
}

export async function listFromStore<T>(store: Store, req: StoreListRequest<T>): Promise<CacherListResult<T>> {
  const { prefix, limit, predicate } = req;
  const items: T[] = [];
  let revision = req.revision;
  let startKey = req.startKey;
  let lastKey: string | undefined;
  let more = false;
  for (;;) {
    const want = limit > 0 && !predicate ? limit - items.length : req.pageSize;
    const page = await store.list(prefix, { startKey, limit: want, revision: revision || undefined });
    revision = page.revision;
    for (const kv of page.items) {
      if (limit > 0 && items.length >= limit) {
        more = true;
        break;
      }
      const obj = req.decode(kv);
      if (obj === null || (predicate && !predicate(obj, kv.key))) continue;
      items.push(obj);
      lastKey = kv.key;
    }
    if (more || !page.more || page.items.length === 0) break;
    if (limit > 0 && items.length >= limit) {
      more = true;
      break;
    }
    startKey = keyAfter(page.items[page.items.length - 1].key);
  }
  const result: CacherListResult<T> = { items, revision };
  if (more && lastKey !== undefined) result.continueToken = encodeContinue(keyAfter(lastKey), prefix, revision);
  return result;
}
