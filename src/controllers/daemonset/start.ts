// Starts the DaemonSet controller over the shared informers (registered in
// src/controllers/manager.ts as "daemonset").
import { type Log, waitForCacheSync } from '../../client/controller-base.js';
import { DAEMONSETS, NODES, PODS } from '../../client/resources.js';
import type { ControllerContext, StartController } from '../context.js';
import { DaemonSetController } from './controller.js';
import type { DaemonSet, Node, Pod } from './types.js';

export interface DaemonSetSettings {
  /** Set spec.nodeName on new pods (no scheduler running) instead of pinning them by node affinity. */
  bindDirectly?: boolean;
}

export function daemonSetStarter(settings: DaemonSetSettings = {}): StartController {
  return async (ctx: ControllerContext): Promise<void> => {
    const log: Log = (msg, fields) => ctx.log.info(fields ?? {}, msg);
    const controller = new DaemonSetController({
      client: ctx.client,
      dsInformer: ctx.informers.informerFor<DaemonSet>(DAEMONSETS),
      podInformer: ctx.informers.informerFor<Pod>(PODS),
      nodeInformer: ctx.informers.informerFor<Node>(NODES),
      log,
      ...settings,
    });
    ctx.informers.start(ctx.signal);
    controller.run(ctx.signal, ctx.workers ?? 2).catch((err: unknown) => ctx.log.error({ err }, 'daemonset controller stopped'));
    await waitForCacheSync(ctx.signal, controller.dsInformer, controller.podInformer, controller.nodeInformer);
  };
}

/** kube-controller-manager's "daemonset" controller (pods placed by the scheduler, as upstream). */
export const startDaemonSetController: StartController = daemonSetStarter();
