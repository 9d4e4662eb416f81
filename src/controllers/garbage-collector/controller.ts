// The garbage collector controller: informers over every deletable resource feed the dependency
// graph; two queues of uids (attempt-to-delete, attempt-to-orphan) are worked by the collector.
// Discovery is read again periodically so resources served later are watched too.
import { setMaxListeners } from 'node:events';
import { EventRecorder } from '../../client/event-recorder.js';
import type { SharedInformer } from '../../client/informer.js';
import { resourceKey } from '../../client/resources.js';
import { unwrapTombstone } from '../../client/tombstone.js';
import type { ApiObject } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue/rate-limiting-queue.js';
import type { ControllerContext, StartController } from '../context.js';
import { AbsentOwnerCache } from './absent-owner-cache.js';
import { Collector, type ItemResult } from './collector.js';
import { type DiscoveredResource, DiscoveryError, deletableResources, discoverResources } from './discovery.js';
import { GraphBuilder } from './graph-builder.js';
import { DependencyGraph } from './graph.js';
import { ClientObjectAccess, ResourceMap } from './object-access.js';

export interface GarbageCollectorOptions {
  /** How often discovery is read again to watch newly served resources; default 30 s (Kubernetes' resync). */
  resourceResyncMs?: number;
  /** How long start waits for the informers' first lists before working anyway; default 30 s. */
  cacheSyncTimeoutMs?: number;
  /** Never watched: Kubernetes' GC ignores events (short-lived and numerous, never owners). */
  ignoredResources?: { group: string; resource: string }[];
  discover?: () => Promise<DiscoveredResource[]>;
}

const DEFAULT_IGNORED = [
  { group: '', resource: 'events' },
  { group: 'events.k8s.io', resource: 'events' },
];

export class GarbageCollector {
  readonly graph = new DependencyGraph();
  readonly absentOwners = new AbsentOwnerCache();
  readonly deleteQueue = new RateLimitingQueue<string>();
  readonly orphanQueue = new RateLimitingQueue<string>();
  readonly resources = new ResourceMap();
  readonly builder: GraphBuilder;
  readonly collector: Collector;
  readonly #ctx: ControllerContext;
  readonly #opts: GarbageCollectorOptions;
  readonly #monitors = new Map<string, SharedInformer<ApiObject>>();

  constructor(ctx: ControllerContext, opts: GarbageCollectorOptions = {}) {
    this.#ctx = ctx;
    this.#opts = opts;
    this.builder = new GraphBuilder(this.graph, this.absentOwners, {
      attemptToDelete: (node) => this.deleteQueue.add(node.uid),
      attemptToOrphan: (node) => this.orphanQueue.add(node.uid),
    });
    const recorder = new EventRecorder(ctx.client, { component: 'garbage-collector-controller' }, { log: (msg, fields) => ctx.log.debug(fields ?? {}, msg) });
    this.collector = new Collector(this.builder, new ClientObjectAccess(ctx.client, this.resources), this.absentOwners, recorder);
  }

  /** Watches resources not yet watched; returns the informers it added. */
  async syncMonitors(): Promise<SharedInformer<ApiObject>[]> {
    let all: DiscoveredResource[];
    try {
      all = await (this.#opts.discover ?? (() => discoverResources(this.#ctx.client)))();
    } catch (err) {
      if (!(err instanceof DiscoveryError)) throw err;
      this.#ctx.log.warn({ failures: err.failures }, 'garbage collector: partial discovery');
      all = err.partial;
    }
    this.resources.set(all);
    const ignored = this.#opts.ignoredResources ?? DEFAULT_IGNORED;
    const added: SharedInformer<ApiObject>[] = [];
    for (const type of deletableResources(all)) {
      if (ignored.some((i) => i.group === type.group && i.resource === type.resource)) continue;
      const key = resourceKey(type);
      if (this.#monitors.has(key)) continue;
      const informer = this.#ctx.informers.informerFor<ApiObject>(type);
      informer.addEventHandler({
        onAdd: (obj) => this.builder.observe(obj),
        onUpdate: (_old, obj) => this.builder.observe(obj),
        onDelete: (obj) => this.builder.observeDeleted(unwrapTombstone(obj)),
      });
      this.#monitors.set(key, informer);
      added.push(informer);
    }
    if (added.length > 0) this.#ctx.informers.start(this.#ctx.signal);
    return added;
  }

  monitoredResources(): string[] {
    return [...this.#monitors.keys()];
  }

  /** Watches, waits for the first lists (up to the timeout), and starts the workers. */
  async start(): Promise<void> {
    const { signal, log } = this.#ctx;
    // One informer per served resource, each listening on the stop signal: well over Node's
    // default of 10 listeners, and not a leak.
    setMaxListeners(0, signal);
    const informers = await this.syncMonitors();
    const timeout = AbortSignal.timeout(this.#opts.cacheSyncTimeoutMs ?? 30_000);
    const synced = await Promise.all(informers.map((i) => i.waitForSync(AbortSignal.any([signal, timeout]))));
    if (signal.aborted) return;
    if (!synced.every(Boolean)) log.warn('garbage collector: not every informer synced in time; collecting anyway');

    const workers = this.#ctx.workers ?? 20;
    for (let i = 0; i < workers; i++) {
      void this.#worker(this.deleteQueue, (uid) => {
        const node = this.graph.get(uid);
        return node ? this.collector.attemptToDelete(node) : Promise.resolve('done');
      });
      void this.#worker(this.orphanQueue, async (uid) => {
        const node = this.graph.get(uid);
        if (node) await this.collector.attemptToOrphan(node);
        return 'done';
      });
    }
    const resync = setInterval(() => {
      this.syncMonitors().catch((err: unknown) => log.warn({ err }, 'garbage collector: resource resync failed'));
    }, this.#opts.resourceResyncMs ?? 30_000);
    resync.unref();
    const stop = (): void => {
      clearInterval(resync);
      this.deleteQueue.shutDown();
      this.orphanQueue.shutDown();
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  }

  async #worker(queue: RateLimitingQueue<string>, process: (uid: string) => Promise<ItemResult>): Promise<void> {
    for (;;) {
      const uid = await queue.get();
      if (uid === undefined) return;
      try {
        if ((await process(uid)) === 'requeue') queue.addRateLimited(uid);
        else queue.forget(uid);
      } catch (err) {
        this.#ctx.log.debug({ uid, err: err instanceof Error ? err.message : String(err) }, 'garbage collector: retrying item');
        queue.addRateLimited(uid);
      } finally {
        queue.done(uid);
      }
    }
  }
}

/** Starts "garbage-collector" and returns it (tests inspect it); the manager uses the StartController below. */
export async function runGarbageCollector(ctx: ControllerContext, opts: GarbageCollectorOptions = {}): Promise<GarbageCollector> {
  const gc = new GarbageCollector(ctx, opts);
  await gc.start();
  return gc;
}

export const startGarbageCollector: StartController = async (ctx) => {
  await runGarbageCollector(ctx);
};
