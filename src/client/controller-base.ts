// What every controller's run() does: wait for its informers' caches, then run N workers over a
// rate-limited queue. Each worker repeats processNextWorkItem: get -> sync(key) -> forget on
// success / addRateLimited on error -> done. Handlers only enqueue keys; all work is in sync.
import type { RateLimitingQueue } from './workqueue/rate-limiting-queue.js';

export { EventRecorder, type EventRecorderOptions, type EventSource, type EventType } from './event-recorder.js';

export type Log = (msg: string, fields?: Record<string, unknown>) => void;

export interface WorkerOptions<K> {
  /** The controller's name, for logs. */
  name: string;
  queue: RateLimitingQueue<K>;
  /** Level-triggered and idempotent: reads the cache, acts, throws to be retried with backoff. */
  sync: (key: K) => Promise<void>;
  /** Consecutive failures after which a key is dropped (until something enqueues it again). Default: never. */
  maxRetries?: number;
  log?: Log;
}

/** One round of a worker. Resolves false once the queue is shut down and empty. */
export async function processNextWorkItem<K>(opts: WorkerOptions<K>): Promise<boolean> {
  const { queue } = opts;
  const key = await queue.get();
  if (key === undefined) return false;
  try {
    await opts.sync(key);
    queue.forget(key);
  } catch (err) {
    const failures = queue.numRequeues(key);
    if (opts.maxRetries !== undefined && failures >= opts.maxRetries) {
      queue.forget(key);
      opts.log?.('dropping key after repeated failures', { controller: opts.name, key: String(key), failures, error: errorText(err) });
    } else {
      opts.log?.('sync failed; retrying', { controller: opts.name, key: String(key), failures, error: errorText(err) });
      queue.addRateLimited(key);
    }
  } finally {
    queue.done(key);
  }
  return true;
}

/** Anything with a sync signal: informers, handler registrations. */
export interface Syncable {
  waitForSync?(signal?: AbortSignal): Promise<boolean>;
  hasSynced(): boolean;
}

/** Resolves true when all have synced; false if `signal` aborts first. */
export async function waitForCacheSync(signal: AbortSignal, ...caches: Syncable[]): Promise<boolean> {
  for (const cache of caches) {
    if (cache.hasSynced()) continue;
    if (!cache.waitForSync) throw new Error('waitForCacheSync: pass the informer, not only a handler registration');
    if (!(await cache.waitForSync(signal))) return false;
  }
  return true;
}

export interface RunControllerOptions<K> extends WorkerOptions<K> {
  workers: number;
  signal: AbortSignal;
  /** Informers whose caches must be synced before the first sync. */
  caches?: Syncable[];
}

/**
 * Waits for the caches, runs `workers` workers until `signal` aborts, then shuts the queue down
 * and resolves when every worker has finished its current key.
 */
export async function runController<K>(opts: RunControllerOptions<K>): Promise<void> {
  const { queue, signal } = opts;
  const onAbort = (): void => queue.shutDown();
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (!(await waitForCacheSync(signal, ...(opts.caches ?? [])))) return;
    opts.log?.('caches synced; starting workers', { controller: opts.name, workers: opts.workers });
    const worker = async (): Promise<void> => {
      while (await processNextWorkItem(opts)) {
        // next key
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.workers) }, worker));
  } finally {
    signal.removeEventListener('abort', onAbort);
    queue.shutDown();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
