// Keeps ServiceAllocators in step with the Services in the store: a full list at start (rebuild),
// the store's watch afterwards (a deleted Service frees its IP and node ports at once), and a
// periodic re-list that reclaims reservations whose create or update never reached the store.
import type { Store, Watch, WatchEvent } from '../../../../storage/store.js';
import { ObjectCodec, resourcePrefix } from '../../generic/codec.js';
import type { ServiceAllocators } from './allocators.js';
import type { Service } from './types.js';

export interface ServiceAllocationOptions {
  codec?: ObjectCodec;
  /** How often the store is re-listed to reclaim lost reservations (default 30 s). */
  repairIntervalMs?: number;
  logger?: { warn(msg: string, err?: unknown): void };
}

export interface ServiceAllocationSync {
  /** Re-lists now (tests, and after the watch fails). */
  repair(): Promise<void>;
  stop(): void;
}

const SERVICES_PREFIX = resourcePrefix({ group: '', resource: 'services' });

/** Rebuilds `allocators` from the store, then follows it until stop(). Resolves once rebuilt. */
export async function startServiceAllocation(allocators: ServiceAllocators, store: Store, opts: ServiceAllocationOptions = {}): Promise<ServiceAllocationSync> {
  const codec = opts.codec ?? new ObjectCodec();
  const logger = opts.logger ?? { warn: (msg: string, err?: unknown) => console.warn(`service allocation: ${msg}`, err ?? '') };
  let watch: Watch | null = null;
  let stopped = false;

  const listAll = async (): Promise<{ services: Service[]; revision: number }> => {
    const services: Service[] = [];
    let startKey: string | undefined;
    let revision = 0;
    for (;;) {
      const page = await store.list(SERVICES_PREFIX, { limit: 500, startKey, revision: revision || undefined });
      revision = page.revision;
      for (const kv of page.items) services.push(codec.decode(kv) as Service);
      if (!page.more || page.items.length === 0) break;
      startKey = `${page.items[page.items.length - 1]!.key}\u0000`;
    }
    return { services, revision };
  };

  const onEvents = (events: WatchEvent[]): void => {
    for (const ev of events) {
      try {
        allocators.observe(ev.type, codec.decode(ev.kv) as Service, ev.revision);
      } catch (err) {
        logger.warn(`could not decode ${ev.kv.key}`, err);
      }
    }
  };

  const follow = (afterRevision: number): void => {
    if (stopped) return;
    watch = store.watch(SERVICES_PREFIX, {
      afterRevision,
      onEvents,
      onError: (err) => {
        logger.warn('watch ended; re-listing', err);
        watch = null;
        setTimeout(() => void resync().catch((e) => logger.warn('re-list failed', e)), 1000).unref();
      },
    });
  };

  const resync = async (): Promise<void> => {
    const { services, revision } = await listAll();
    allocators.reconcile(services, revision);
    if (!watch) follow(revision);
  };

  await resync();
  const timer = setInterval(() => {
    listAll()
      .then(({ services, revision }) => allocators.reconcile(services, revision))
      .catch((err) => logger.warn('periodic repair failed', err));
  }, opts.repairIntervalMs ?? 30_000);
  timer.unref();

  return {
    repair: async () => {
      const { services, revision } = await listAll();
      allocators.reconcile(services, revision);
    },
    stop: () => {
      stopped = true;
      clearInterval(timer);
      (watch as Watch | null)?.cancel();
      watch = null;
    },
  };
}
