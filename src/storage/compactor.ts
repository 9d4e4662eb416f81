// Compaction policy shared by every backend: every `intervalMs`, forget history older than the
// newest `retainRevisions` revisions. Kubernetes' apiserver compacts every 5 minutes; watchers
// that fall further behind than the retained window get "Expired" (410 Gone) and relist.
import { isStoreError, type Store } from './store.js';

export interface CompactorOptions {
  /** How often to compact; default 5 minutes (the apiserver's --etcd-compaction-interval). */
  intervalMs?: number;
  /** How many of the newest revisions stay readable and watchable; default 10,000. */
  retainRevisions?: number;
  /** Told about failures (the next round retries); default: a process warning. */
  onError?: (err: unknown) => void;
  /** Told about each compaction done. */
  onCompact?: (revision: number) => void;
}

export interface Compactor {
  /** Compacts now if there is enough history; resolves with the revision compacted to, if any. */
  runOnce(): Promise<number | undefined>;
  stop(): void;
}

export const DEFAULT_COMPACTION_INTERVAL_MS = 5 * 60 * 1000;
export const DEFAULT_RETAIN_REVISIONS = 10_000;

export function startCompactor(store: Store, opts: CompactorOptions = {}): Compactor {
  const intervalMs = opts.intervalMs ?? DEFAULT_COMPACTION_INTERVAL_MS;
  const retain = Math.max(1, opts.retainRevisions ?? DEFAULT_RETAIN_REVISIONS);
  const onError = opts.onError ?? ((err: unknown) => process.emitWarning(`kite compactor: ${String(err)}`));
  let running: Promise<number | undefined> | undefined;
  let stopped = false;

  const compactOnce = async (): Promise<number | undefined> => {
    const target = (await store.currentRevision()) - retain;
    if (target <= 0 || target <= (await store.compactedRevision())) return undefined;
    try {
      await store.compact(target);
    } catch (err) {
      // Another server sharing the etcd cluster compacted past us first: nothing to do.
      if (isStoreError(err, 'Expired')) return undefined;
      throw err;
    }
    opts.onCompact?.(target);
    return target;
  };

  const runOnce = (): Promise<number | undefined> => {
    // Never two rounds at once: a slow purge must not pile up behind the timer.
    running ??= compactOnce().finally(() => { running = undefined; });
    return running;
  };

  const timer = setInterval(() => {
    if (stopped) return;
    runOnce().catch((err: unknown) => {
      if (!stopped && !isStoreError(err, 'Closed')) onError(err);
    });
  }, intervalMs);
  timer.unref();

  return {
    runOnce,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
