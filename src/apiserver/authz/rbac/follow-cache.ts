// Keeps an in-memory view in step with one of the apiserver's own watch caches: list, then watch
// from the list's revision; when the cache ends the watch (reset, overflow), list again. Like an
// informer, but in process and without copies (the objects are the cache's; never mutate them).
import type { KubeObject } from '../../../apimachinery/meta.js';
import type { Cacher } from '../../../storage/cacher/cacher.js';
import type { CacherWatch } from '../../../storage/cacher/types.js';

export interface CacheHandlers {
  /** The full set, after every (re)list. */
  replace(items: KubeObject[]): void;
  upsert(obj: KubeObject): void;
  remove(obj: KubeObject): void;
}

export interface CacheFollower {
  /** Resolves once the first list is in the handlers. */
  readonly ready: Promise<void>;
  readonly synced: boolean;
  stop(): void;
}

export interface FollowOptions {
  retryMs?: number;
  onError?: (err: unknown) => void;
}

export function followCache(cache: Cacher<KubeObject>, handlers: CacheHandlers, opts: FollowOptions = {}): CacheFollower {
  const retryMs = opts.retryMs ?? 500;
  let stopped = false;
  let synced = false;
  let watch: CacherWatch | null = null;
  let timer: NodeJS.Timeout | null = null;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const retry = (err: unknown): void => {
    if (stopped) return;
    opts.onError?.(err);
    timer = setTimeout(() => void run(), retryMs);
    timer.unref();
  };

  const run = async (): Promise<void> => {
    watch?.stop();
    watch = null;
    try {
      const list = await cache.list({});
      if (stopped) return;
      handlers.replace(list.items);
      watch = await cache.watch({
        afterRevision: list.revision,
        onEvent: (event) => {
          if (event.type === 'BOOKMARK') return;
          if (event.type === 'DELETED') handlers.remove(event.object);
          else handlers.upsert(event.object);
        },
        onError: (err) => retry(err),
      });
      if (stopped) {
        watch.stop();
        return;
      }
      synced = true;
      markReady();
    } catch (err) {
      retry(err);
    }
  };
  void run();

  return {
    ready,
    get synced() {
      return synced;
    },
    stop: () => {
      stopped = true;
      watch?.stop();
      if (timer) clearTimeout(timer);
    },
  };
}
