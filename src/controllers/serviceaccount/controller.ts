// The service account controller (Kubernetes' ServiceAccountsController): every active namespace
// has a "default" ServiceAccount; it is created with the namespace and again if deleted.
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { Lister } from '../../client/lister.js';
import { NAMESPACES, SERVICE_ACCOUNTS } from '../../client/resources.js';
import { unwrapTombstone } from '../../client/tombstone.js';
import type { ApiObject, Client } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue/rate-limiting-queue.js';
import { runController } from '../../client/controller-base.js';
import type { ControllerContext, StartController } from '../context.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';

interface Namespace extends ApiObject {
  status?: { phase?: string };
}

export class ServiceAccountController {
  /** Keys are namespace names. */
  readonly queue = new RateLimitingQueue<string>();

  constructor(
    readonly client: Pick<Client, 'create'>,
    readonly namespaces: Lister<Namespace>,
    readonly serviceAccounts: Lister<ApiObject>,
    readonly names: string[] = [DEFAULT_SERVICE_ACCOUNT],
  ) {}

  namespaceChanged(ns: Namespace): void {
    if (ns.metadata?.name) this.queue.add(ns.metadata.name);
  }

  serviceAccountDeleted(sa: ApiObject): void {
    const { name, namespace } = sa.metadata ?? {};
    if (namespace && name && this.names.includes(name)) this.queue.add(namespace);
  }

  async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.get(namespace);
    // Terminating namespaces refuse new content; a missing one needs nothing.
    if (!ns || ns.metadata?.deletionTimestamp || (ns.status?.phase && ns.status.phase !== 'Active')) return;
    for (const name of this.names) {
      if (this.serviceAccounts.namespace(namespace).get(name)) continue;
      try {
        await this.client.create(SERVICE_ACCOUNTS, namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } });
      } catch (err) {
        // AlreadyExists: the cache was behind. NotFound/Forbidden after termination began: nothing to do.
        if (isAlreadyExists(err) || isNotFound(err)) continue;
        if (isForbiddenTerminating(err)) continue;
        throw err;
      }
    }
  }
}

function isForbiddenTerminating(err: unknown): boolean {
  return err instanceof Error && /being terminated/.test(err.message);
}

/** Starts "serviceaccount" and returns it (tests inspect it); the manager uses the StartController below. */
export async function runServiceAccountController(ctx: ControllerContext): Promise<ServiceAccountController> {
  const nsInformer = ctx.informers.informerFor<Namespace>(NAMESPACES);
  const saInformer = ctx.informers.informerFor<ApiObject>(SERVICE_ACCOUNTS);
  const controller = new ServiceAccountController(ctx.client, ctx.informers.listerFor<Namespace>(NAMESPACES), ctx.informers.listerFor<ApiObject>(SERVICE_ACCOUNTS));
  nsInformer.addEventHandler({
    onAdd: (ns) => controller.namespaceChanged(ns),
    onUpdate: (_old, ns) => controller.namespaceChanged(ns),
  });
  saInformer.addEventHandler({ onDelete: (sa) => controller.serviceAccountDeleted(unwrapTombstone(sa)) });
  ctx.informers.start(ctx.signal);
  const synced = Promise.all([nsInformer.waitForSync(ctx.signal), saInformer.waitForSync(ctx.signal)]);
  void runController({
    name: 'serviceaccount',
    queue: controller.queue,
    sync: (ns) => controller.sync(ns),
    workers: ctx.workers ?? 1,
    signal: ctx.signal,
    caches: [nsInformer, saInformer],
    log: (msg, fields) => ctx.log.debug(fields ?? {}, msg),
  });
  await synced;
  return controller;
}

export const startServiceAccountController: StartController = async (ctx) => {
  await runServiceAccountController(ctx);
};
