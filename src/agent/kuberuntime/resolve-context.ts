// What building a container config and setting up volumes read from the API, behind one small
// interface so tests pass a fake and the agent passes its client (or informer listers).
// get* resolve to undefined for "not found"; any other failure rejects.
import type { TokenRequest } from 'kubernetes-types/authentication/v1.js';
import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Secret, Service } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../client/errors.js';
import { CONFIGMAPS, PERSISTENT_VOLUME_CLAIMS, PERSISTENT_VOLUMES, SECRETS, SERVICES, SERVICE_ACCOUNTS } from '../../client/resources.js';
import type { Lister } from '../../client/lister.js';
import type { Client } from '../../client/types.js';

export interface ResolveContext {
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  /** Services of one namespace (the agent asks for the pod's namespace and "default"). */
  listServices(namespace: string): Promise<Service[]>;
}

/** What the volume manager additionally reads and asks for. */
export interface VolumeContext extends ResolveContext {
  getPersistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined>;
  getPersistentVolume(name: string): Promise<PersistentVolume | undefined>;
  /** POST .../serviceaccounts/NAME/token; rejects (e.g. NotFound / MethodNotAllowed) when the server cannot. */
  requestServiceAccountToken(namespace: string, serviceAccount: string, request: TokenRequest): Promise<TokenRequest>;
}

async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** A VolumeContext reading straight from the API (no caching). */
export function clientResolveContext(client: Client): VolumeContext {
  return {
    getConfigMap: (ns, name) => orUndefined(client.get<ConfigMap>(CONFIGMAPS, ns, name)),
    getSecret: (ns, name) => orUndefined(client.get<Secret>(SECRETS, ns, name)),
    listServices: async (ns) => (await client.list<Service>(SERVICES, ns, { allPages: true })).items,
    getPersistentVolumeClaim: (ns, name) => orUndefined(client.get<PersistentVolumeClaim>(PERSISTENT_VOLUME_CLAIMS, ns, name)),
    getPersistentVolume: (name) => orUndefined(client.get<PersistentVolume>(PERSISTENT_VOLUMES, undefined, name)),
    requestServiceAccountToken: (ns, sa, request) =>
      client.create<TokenRequest>(SERVICE_ACCOUNTS, ns, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', ...request }, { subresource: 'token', name: sa }),
  };
}

/** A Services cache: an informer (SharedInformerFactory.informerFor(SERVICES)) with its lister. */
export interface ServiceCache {
  hasSynced(): boolean;
  lister: Pick<Lister<Service>, 'namespace'>;
}

/**
 * `ctx`, but listServices answers from an informer's cache once it has synced (the kubelet's
 * service lister), so starting a container does not LIST Services twice.
 */
export function withServiceCache<C extends ResolveContext>(ctx: C, cache: ServiceCache): C {
  return {
    ...ctx,
    listServices: async (ns: string) => (cache.hasSynced() ? cache.lister.namespace(ns).list() : ctx.listServices(ns)),
  };
}
