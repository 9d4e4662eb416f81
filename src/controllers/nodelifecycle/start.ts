// Starts the node lifecycle controller and the taint eviction controller it feeds, over the
// shared informers (registered in src/controllers/manager.ts as "node-lifecycle").
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { type Log, waitForCacheSync } from '../../client/controller-base.js';
import { indexByNodeName } from '../../client/indexer.js';
import { LEASES, NODES, PODS } from '../../client/resources.js';
import type { ControllerContext, StartController } from '../context.js';
import { NODE_NAME_INDEX, NodeLifecycleController } from './controller.js';
import { TaintEvictionController } from './taint-eviction.js';

export interface NodeLifecycleSettings {
  /** --node-monitor-grace-period; default 40 s. */
  gracePeriodMs?: number;
  /** --node-monitor-period; default 5 s. */
  monitorPeriodMs?: number;
}

/** A start function with non-default timings (tests use a short grace period). */
export function nodeLifecycleStarter(settings: NodeLifecycleSettings = {}): StartController {
  return async (ctx: ControllerContext): Promise<void> => {
    const log: Log = (msg, fields) => ctx.log.info(fields ?? {}, msg);
    const nodeInformer = ctx.informers.informerFor<Node>(NODES);
    const leaseInformer = ctx.informers.informerFor<Lease>(LEASES);
    const podInformer = ctx.informers.informerFor<Pod>(PODS, { [NODE_NAME_INDEX]: indexByNodeName });
    const lifecycle = new NodeLifecycleController({ client: ctx.client, nodeInformer, leaseInformer, podInformer, log, ...settings });
    const eviction = new TaintEvictionController({ client: ctx.client, nodeInformer, podInformer, log });
    ctx.informers.start(ctx.signal);
    lifecycle.run(ctx.signal).catch((err: unknown) => ctx.log.error({ err }, 'node lifecycle controller stopped'));
    eviction.run(ctx.signal, ctx.workers ?? 8).catch((err: unknown) => ctx.log.error({ err }, 'taint eviction controller stopped'));
    await waitForCacheSync(ctx.signal, nodeInformer, leaseInformer, podInformer);
  };
}

/** kube-controller-manager's "node-lifecycle" controller with default timings. */
export const startNodeLifecycleController: StartController = nodeLifecycleStarter();
