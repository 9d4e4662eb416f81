// What a new watch is sent before live events: from revision 0, a synthetic ADDED for every
// current matching object; from a buffered revision, the changes since then as this watcher sees them.
import type { CacheState } from './cache-state.js';
import { deletedObjectOf, viewEvent } from './cache-watcher.js';
import { tooOldResourceVersion } from './errors.js';
import type { EventBuffer } from './event-buffer.js';
import type { CacheableObject, CacherEvent, Predicate } from './types.js';

export interface InitialEventsRequest<T> {
  prefix: string;
  predicate?: Predicate<T>;
  /** 0: the current state as ADDED events. */
  after: number;
  /** The cache's revision. */
  revision: number;
  allowBookmarks: boolean;
}

/** Throws 410 Expired when `after` is older than the buffer reaches. */
export function initialEvents<T extends CacheableObject>(
  state: CacheState<T>,
  buffer: EventBuffer<T>,
  req: InitialEventsRequest<T>,
): CacherEvent<T>[] {
  const { prefix, predicate, after, revision } = req;
  const out: CacherEvent<T>[] = [];
  if (after === 0) {
    for (const [key, entry] of state.entries(prefix)) {
      if (!predicate || predicate(entry.object, key)) out.push({ type: 'ADDED', object: entry.object, key, revision: entry.modRevision });
    }
  } else if (after < revision) {
    const events = buffer.since(after);
    if (!events) throw tooOldResourceVersion(after, buffer.resumableFrom);
    for (const event of events) {
      const seen = viewEvent(event, prefix, predicate, deletedObjectOf);
      if (seen) out.push(seen);
    }
  }
  if (req.allowBookmarks && (after === 0 || revision > after)) {
    out.push({ type: 'BOOKMARK', revision, initialEventsEnd: true });
  }
  return out;
}
