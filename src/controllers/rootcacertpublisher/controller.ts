// The root CA certificate publisher (kube-controller-manager's "root-ca-cert-publisher"): every
// active namespace has a ConfigMap "kube-root-ca.crt" holding the CA that signs the API server's
// serving certificate, so a pod's projected service account volume carries ca.crt next to its
// token. Recreated when deleted, rewritten when edited or when the CA changes.
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import { newInformer } from '../../client/informer.js';
import { Lister } from '../../client/lister.js';
import { CONFIGMAPS, NAMESPACES } from '../../client/resources.js';
import { unwrapTombstone } from '../../client/tombstone.js';
import type { ApiObject, Client } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue/rate-limiting-queue.js';
import { runController } from '../../client/controller-base.js';
import type { ControllerContext, StartController } from '../context.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const ROOT_CA_KEY = 'ca.crt';
const DESCRIPTION = 'The CA bundle that verifies the API server when reached from inside the cluster ' +
  '(kubernetes.default.svc, the service IP). Maintained by kite; edits are overwritten.';

interface Namespace extends ApiObject {
  status?: { phase?: string };
}
interface ConfigMap extends ApiObject {
  data?: Record<string, string>;
}

export class RootCaCertPublisher {
  /** Keys are namespace names. */
  readonly queue = new RateLimitingQueue<string>();

  constructor(
    readonly client: Pick<Client, 'create' | 'update'>,
    readonly namespaces: Lister<Namespace>,
    /** Only the kube-root-ca.crt ConfigMaps (a field-selected informer). */
    readonly configMaps: Lister<ConfigMap>,
    readonly caPem: string,
  ) {}

  enqueue(namespace: string | undefined): void {
    if (namespace) this.queue.add(namespace);
  }

  async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.get(namespace);
    if (!ns || ns.metadata?.deletionTimestamp || (ns.status?.phase && ns.status.phase !== 'Active')) return;
    const current = this.configMaps.namespace(namespace).get(ROOT_CA_CONFIGMAP);
    const data = { [ROOT_CA_KEY]: this.caPem };
    try {
      if (!current) {
        await this.client.create(CONFIGMAPS, namespace, {
          apiVersion: 'v1', kind: 'ConfigMap',
          metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { 'kubernetes.io/description': DESCRIPTION } },
          data,
        });
      } else if (!sameData(current.data, data)) {
        await this.client.update(CONFIGMAPS, namespace, { ...current, data, binaryData: undefined });
      }
    } catch (err) {
      // The cache was behind, or the namespace began terminating: the informer brings us back if needed.
      if (isAlreadyExists(err) || isNotFound(err) || (err instanceof Error && /being terminated/.test(err.message))) return;
      throw err;
    }
  }
}

function sameData(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const keys = Object.keys(a ?? {});
  return keys.length === Object.keys(b).length && keys.every((k) => a?.[k] === b[k]);
}

export async function runRootCaCertPublisher(ctx: ControllerContext): Promise<RootCaCertPublisher | undefined> {
  if (!ctx.rootCaPem) {
    ctx.log.warn('root-ca-cert-publisher: no CA given, kube-root-ca.crt is not published');
    return undefined;
  }
  const nsInformer = ctx.informers.informerFor<Namespace>(NAMESPACES);
  // Only one ConfigMap per namespace matters: watching every ConfigMap would hold them all in memory.
  const cmInformer = newInformer<ConfigMap>(ctx.client, { type: CONFIGMAPS, fieldSelector: `metadata.name=${ROOT_CA_CONFIGMAP}` });
  const controller = new RootCaCertPublisher(ctx.client, ctx.informers.listerFor<Namespace>(NAMESPACES), new Lister<ConfigMap>(cmInformer.indexer), ctx.rootCaPem);
  nsInformer.addEventHandler({
    onAdd: (ns) => controller.enqueue(ns.metadata?.name),
    onUpdate: (_old, ns) => controller.enqueue(ns.metadata?.name),
  });
  cmInformer.addEventHandler({
    onUpdate: (_old, cm) => controller.enqueue(cm.metadata?.namespace),
    onDelete: (cm) => controller.enqueue(unwrapTombstone(cm).metadata?.namespace),
  });
  ctx.informers.start(ctx.signal);
  void cmInformer.run(ctx.signal);
  const synced = Promise.all([nsInformer.waitForSync(ctx.signal), cmInformer.waitForSync(ctx.signal)]);
  void runController({
    name: 'root-ca-cert-publisher',
    queue: controller.queue,
    sync: (ns) => controller.sync(ns),
    workers: ctx.workers ?? 1,
    signal: ctx.signal,
    caches: [nsInformer, cmInformer],
    log: (msg, fields) => ctx.log.debug(fields ?? {}, msg),
  });
  await synced;
  return controller;
}

export const startRootCaCertPublisher: StartController = async (ctx) => {
  await runRootCaCertPublisher(ctx);
};
