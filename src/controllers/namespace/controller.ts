// The namespace controller: a namespace being deleted is emptied of every namespaced object,
// its status conditions say how that goes, and once nothing is left its "kubernetes" finalizer is
// removed through PUT /api/v1/namespaces/NAME/finalize, after which the registry removes it.
import { formatTime } from '../../apimachinery/meta.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import type { Lister } from '../../client/lister.js';
import { NAMESPACES } from '../../client/resources.js';
import type { ApiObject, Client } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue/rate-limiting-queue.js';
import type { ControllerContext, StartController } from '../context.js';
import { type DiscoveredResource, discoverResources } from '../garbage-collector/discovery.js';
import { type NamespaceCondition, conditionsFor, mergeConditions } from './conditions.js';
import { deleteAllContent } from './content-deleter.js';

export const FINALIZER_KUBERNETES = 'kubernetes';

export interface Namespace extends ApiObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

export interface NamespaceControllerOptions {
  discover?: () => Promise<DiscoveredResource[]>;
  /** How long discovery results are reused between syncs; default 10 s. */
  discoveryTtlMs?: number;
  now?: () => number;
}

/** Content is still there: look again after `delayMs`. */
export class ContentRemainingError extends Error {
  constructor(readonly delayMs: number) {
    super('some content remains in the namespace');
  }
}

export class NamespaceController {
  readonly queue = new RateLimitingQueue<string>();
  readonly #client: Client;
  readonly #lister: Lister<Namespace>;
  readonly #discover: () => Promise<DiscoveredResource[]>;
  readonly #now: () => number;
  readonly #recorder?: EventRecorder;

  constructor(client: Client, lister: Lister<Namespace>, opts: NamespaceControllerOptions & { recorder?: EventRecorder } = {}) {
    this.#client = client;
    this.#lister = lister;
    this.#discover = opts.discover ?? cachedDiscovery(client, opts.discoveryTtlMs ?? 10_000);
    this.#now = opts.now ?? Date.now;
    this.#recorder = opts.recorder;
  }

  enqueue(ns: Namespace): void {
    if (ns.metadata?.deletionTimestamp && ns.metadata.name) this.queue.add(ns.metadata.name);
  }

  /** Level-triggered: whatever the namespace's state, move it one step towards gone. */
  async sync(name: string): Promise<void> {
    if (!this.#lister.get(name)) return;
    // The cache may lag; the decision to finalize is taken on the live object.
    let ns: Namespace;
    try {
      ns = await this.#client.get<Namespace>(NAMESPACES, undefined, name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (!ns.metadata?.deletionTimestamp) return;
    const finalizers = ns.spec?.finalizers ?? [];
    if (!finalizers.includes(FINALIZER_KUBERNETES)) {
      if (finalizers.length === 0) await this.#deleteFinalized(ns);
      return;
    }

    const { outcome, estimateSeconds } = await deleteAllContent(this.#client, this.#discover, name);
    ns = await this.#updateConditions(ns, conditionsFor(outcome));
    if (outcome.deleteErrors.length > 0 || outcome.discoveryErrors.length > 0) {
      const message = [...outcome.discoveryErrors, ...outcome.deleteErrors].join('; ');
      this.#recorder?.event(ns, 'Warning', 'NamespaceDeletionContentFailure', message);
      throw new Error(`namespace ${name}: ${message}`);
    }
    if (outcome.remainingByResource.size > 0) throw new ContentRemainingError((Math.floor(estimateSeconds / 2) + 1) * 1000);
    await this.#finalize(ns);
  }

  async #updateConditions(ns: Namespace, wanted: NamespaceCondition[]): Promise<Namespace> {
    const merged = mergeConditions(ns.status?.conditions ?? [], wanted, formatTime(this.#now()));
    if (!merged) return ns;
    try {
      return await this.#client.updateStatus<Namespace>(NAMESPACES, undefined, { ...ns, status: { ...(ns.status ?? {}), conditions: merged } });
    } catch (err) {
      // Conditions are advice; a lost race only delays them to the next pass.
      if (isConflict(err) || isNotFound(err)) return this.#client.get<Namespace>(NAMESPACES, undefined, ns.metadata?.name ?? '');
      throw err;
    }
  }

  async #finalize(ns: Namespace): Promise<void> {
    const body: Namespace = { ...ns, spec: { ...(ns.spec ?? {}), finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES) } };
    try {
      await this.#client.update(NAMESPACES, undefined, body, { subresource: 'finalize' });
    } catch (err) {
      if (!isMissingFinalizeSubresource(err)) throw err;
      // kite's apiserver does not serve namespaces/finalize yet; until it does, a plain update
      // (which kite lets change spec.finalizers) has the same effect.
      await this.#client.update(NAMESPACES, undefined, body);
    }
  }

  /** Finalized but still there (another finalizer was removed last): delete it for good. */
  async #deleteFinalized(ns: Namespace): Promise<void> {
    try {
      await this.#client.delete(NAMESPACES, undefined, ns.metadata?.name ?? '', { preconditions: { uid: ns.metadata?.uid } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
}

function isMissingFinalizeSubresource(err: unknown): boolean {
  return isNotFound(err) && /namespaces\/finalize/.test(err instanceof Error ? err.message : '');
}

function cachedDiscovery(client: Client, ttlMs: number): () => Promise<DiscoveredResource[]> {
  let cached: { at: number; value: Promise<DiscoveredResource[]> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const value = discoverResources(client);
      cached = { at: Date.now(), value };
      // A failed discovery is not reused.
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}

/** Starts "namespace" and returns it (tests inspect it); the manager uses the StartController below. */
export async function runNamespaceController(ctx: ControllerContext, opts: NamespaceControllerOptions = {}): Promise<NamespaceController> {
  const informer = ctx.informers.informerFor<Namespace>(NAMESPACES);
  const recorder = new EventRecorder(ctx.client, { component: 'namespace-controller' }, { log: (msg, fields) => ctx.log.debug(fields ?? {}, msg) });
  const controller = new NamespaceController(ctx.client, ctx.informers.listerFor<Namespace>(NAMESPACES), { ...opts, recorder });
  informer.addEventHandler({
    onAdd: (ns) => controller.enqueue(ns),
    onUpdate: (_old, ns) => controller.enqueue(ns),
  });
  ctx.informers.start(ctx.signal);
  if (!(await informer.waitForSync(ctx.signal))) return controller;
  const { queue } = controller;
  ctx.signal.addEventListener('abort', () => queue.shutDown(), { once: true });
  const worker = async (): Promise<void> => {
    for (let name = await queue.get(); name !== undefined; name = await queue.get()) {
      try {
        await controller.sync(name);
        queue.forget(name);
      } catch (err) {
        if (err instanceof ContentRemainingError) {
          queue.forget(name);
          queue.addAfter(name, err.delayMs);
        } else {
          ctx.log.warn({ namespace: name, err: err instanceof Error ? err.message : String(err) }, 'namespace controller: sync failed; retrying');
          queue.addRateLimited(name);
        }
      } finally {
        queue.done(name);
      }
    }
  };
  for (let i = 0; i < (ctx.workers ?? 10); i++) void worker();
  return controller;
}

export const startNamespaceController: StartController = async (ctx) => {
  await runNamespaceController(ctx);
};
