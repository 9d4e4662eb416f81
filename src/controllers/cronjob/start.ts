// The manager's start function for kube-controller-manager's "cronjob" controller.
import { waitForCacheSync } from '../../client/controller-base.js';
import { CRONJOBS, JOBS } from '../../client/resources.js';
import type { StartController } from '../context.js';
import { CronJobController } from './controller.js';
import type { CronJob, Job } from './types.js';

export const startCronJobController: StartController = async (ctx) => {
  const cronJobInformer = ctx.informers.informerFor<CronJob>(CRONJOBS);
  const jobInformer = ctx.informers.informerFor<Job>(JOBS);
  const controller = new CronJobController({
    client: ctx.client,
    cronJobInformer,
    jobInformer,
    log: (msg, fields) => ctx.log.info({ controller: 'cronjob', ...fields }, msg),
  });
  ctx.informers.start(ctx.signal);
  controller.run(ctx.signal, ctx.workers ?? 5).catch((err: unknown) => ctx.log.error({ err }, 'cronjob controller stopped'));
  await waitForCacheSync(ctx.signal, cronJobInformer, jobInformer);
};
