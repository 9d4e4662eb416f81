// The controller manager: every built-in controller is one line in `controllers` below.
// `kite server` runs them against its own API; each talks to the API only through the client
// and the shared informers, never the store.
import type { ControllerContext, StartController } from './context.js';
import { startDeploymentController } from './deployment/controller.js';
import { startReplicaSetController } from './replicaset/controller.js';
import { startGarbageCollector } from './garbage-collector/controller.js';
import { startNamespaceController } from './namespace/controller.js';
import { startServiceAccountController } from './serviceaccount/controller.js';
import { startNodeLifecycleController } from './nodelifecycle/start.js';
import { startDaemonSetController } from './daemonset/start.js';
import { startJobController, startTtlAfterFinishedController } from './job/start.js';
import { startCronJobController } from './cronjob/start.js';
import { startCsrApprovingController } from './certificates/approver.js';
import { startCsrSigningController } from './certificates/signer.js';
import { startCsrCleaner } from './certificates/cleaner.js';
import { startTokenCleaner } from './bootstrap/token-cleaner.js';
import { startRootCaCertPublisher } from './rootcacertpublisher/controller.js';

export interface NamedController {
  /** Kubernetes' controller name (kube-controller-manager --controllers): "deployment", "garbage-collector", ... */
  name: string;
  start: StartController;
}

export const controllers: NamedController[] = [
  // one line per controller: { name: 'deployment', start: startDeploymentController },
  { name: 'replicaset', start: startReplicaSetController },
  { name: 'deployment', start: startDeploymentController },
  { name: 'garbage-collector', start: startGarbageCollector },
  { name: 'namespace', start: startNamespaceController },
  { name: 'serviceaccount', start: startServiceAccountController },
  { name: 'root-ca-cert-publisher', start: startRootCaCertPublisher },
  { name: 'node-lifecycle', start: startNodeLifecycleController },
  { name: 'daemonset', start: startDaemonSetController },
  { name: 'job', start: startJobController },
  { name: 'cronjob', start: startCronJobController },
  { name: 'ttl-after-finished', start: startTtlAfterFinishedController },
  { name: 'csrapproving', start: startCsrApprovingController },
  { name: 'csrsigning', start: startCsrSigningController },
  { name: 'csrcleaner', start: startCsrCleaner },
  { name: 'tokencleaner', start: startTokenCleaner },
];

/** Starts the named controllers (all by default); resolves when every one is running. */
export async function startControllers(ctx: ControllerContext, names?: string[]): Promise<string[]> {
  const chosen = controllers.filter((c) => !names || names.includes(c.name));
  await Promise.all(
    chosen.map(async (c) => {
      try {
        await c.start(ctx);
      } catch (err) {
        ctx.log.error({ controller: c.name, err }, 'controller failed to start');
        throw err;
      }
    }),
  );
  return chosen.map((c) => c.name);
}
