// The Services the agent reads to build containers' service environment variables, from a watch
// (the kubelet's service lister) instead of two LISTs per container start: a LIST of Services costs
// the API server a read, an encode and an authorization on every pod start, and the pod waits on it.
import type { Service } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../client/clock.js';
import { newInformer } from '../../client/informer.js';
import { Lister } from '../../client/lister.js';
import { SERVICES } from '../../client/resources.js';
import type { Client } from '../../client/types.js';
import { type ResolveContext, withServiceCache } from '../kuberuntime/resolve-context.js';

export interface ServiceCachedContext<C extends ResolveContext> {
  /** `ctx` with listServices answered from the cache once it has synced (from the API before). */
  context: C;
  /** Runs the watch until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}

export function serviceCachedContext<C extends ResolveContext>(client: Pick<Client, 'list' | 'watch'>, ctx: C, clock?: Clock): ServiceCachedContext<C> {
  const informer = newInformer<Service>(client, { type: SERVICES, clock });
  const lister = new Lister<Service>(informer.indexer);
  return {
    context: withServiceCache(ctx, { hasSynced: () => informer.hasSynced(), lister }),
    run: (signal) => informer.run(signal),
  };
}
