// Start functions for the manager (src/controllers/manager.ts): "job" and "ttl-after-finished",
// as kube-controller-manager names them.
import type { Log } from '../../client/controller-base.js';
import { waitForCacheSync } from '../../client/controller-base.js';
import { indexByControllerUid } from '../../client/indexer.js';
import { JOBS, PODS } from '../../client/resources.js';
import type { ControllerContext, StartController } from '../context.js';
import { JobController } from './controller.js';
import type { JobControllerConfig } from './deps.js';
import { TtlAfterFinishedController } from './ttl-after-finished.js';
import type { Job, Pod } from './types.js';

const logFor = (ctx: ControllerContext, controller: string): Log => (msg, fields) => ctx.log.info({ controller, ...fields }, msg);

/** A start function with non-default tunables (tests shorten the batch period and back-off). */
export function jobControllerStarter(config: Partial<JobControllerConfig> = {}): StartController {
  return async (ctx: ControllerContext): Promise<void> => {
    const jobInformer = ctx.informers.informerFor<Job>(JOBS);
    const podInformer = ctx.informers.informerFor<Pod>(PODS, { controllerUid: indexByControllerUid });
    const controller = new JobController({ client: ctx.client, jobInformer, podInformer, config, log: logFor(ctx, 'job') });
    ctx.informers.start(ctx.signal);
    controller.run(ctx.signal, ctx.workers ?? 5).catch((err: unknown) => ctx.log.error({ err }, 'job controller stopped'));
    await waitForCacheSync(ctx.signal, jobInformer, podInformer);
  };
}

/** kube-controller-manager's "job" controller. */
export const startJobController: StartController = jobControllerStarter();

/** kube-controller-manager's "ttl-after-finished" controller. */
export const startTtlAfterFinishedController: StartController = async (ctx) => {
  const jobInformer = ctx.informers.informerFor<Job>(JOBS);
  const controller = new TtlAfterFinishedController({ client: ctx.client, jobInformer, log: logFor(ctx, 'ttl-after-finished') });
  ctx.informers.start(ctx.signal);
  controller.run(ctx.signal, ctx.workers ?? 5).catch((err: unknown) => ctx.log.error({ err }, 'ttl-after-finished controller stopped'));
  await waitForCacheSync(ctx.signal, jobInformer);
};
