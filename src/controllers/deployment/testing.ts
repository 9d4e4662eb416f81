// A harness for Deployment controller tests: the fake API, informers fed by hand, and a crude
// stand-in for the ReplicaSet controller plus kubelet that makes ReplicaSet status follow spec.
import { FakeClock } from '../../client/clock.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../../client/resources.js';
import { RecordingRecorder, catchUp, drivenInformer, seed } from '../replicaset/testing.js';
import { DeploymentController } from './controller.js';
import type { Deployment, Pod, ReplicaSet } from './types.js';

export const T0 = Date.UTC(2024, 0, 1);

export interface DeploymentOptions {
  image?: string;
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  recreate?: boolean;
  progressDeadlineSeconds?: number;
  revisionHistoryLimit?: number;
  paused?: boolean;
  minReadySeconds?: number;
}

/** A Deployment as the API server would hold it after defaulting. */
export function newDeployment(name: string, replicas: number, opts: DeploymentOptions = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: opts.image ?? 'nginx:1.26' }] } },
      strategy: opts.recreate
        ? { type: 'Recreate' }
        : { type: 'RollingUpdate', rollingUpdate: { maxSurge: opts.maxSurge ?? '25%', maxUnavailable: opts.maxUnavailable ?? '25%' } },
      revisionHistoryLimit: opts.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: opts.progressDeadlineSeconds ?? 600,
      minReadySeconds: opts.minReadySeconds ?? 0,
      ...(opts.paused ? { paused: true } : {}),
    },
  };
}

export function harness() {
  const clock = new FakeClock(T0);
  const client = new FakeClient({ clock });
  const deploymentInformer = drivenInformer<Deployment>(DEPLOYMENTS, clock);
  const rsInformer = drivenInformer<ReplicaSet>(REPLICASETS, clock);
  const podInformer = drivenInformer<Pod>(PODS, clock);
  const recorder = new RecordingRecorder();
  const controller = new DeploymentController({ client, deploymentInformer, rsInformer, podInformer, recorder, clock });

  const refresh = async (): Promise<void> => {
    await catchUp(deploymentInformer, client);
    await catchUp(rsInformer, client);
    await catchUp(podInformer, client);
  };
  const deployment = (name = 'web'): Promise<Deployment> => client.get<Deployment>(DEPLOYMENTS, 'default', name);
  const replicaSets = async (): Promise<ReplicaSet[]> =>
    (await client.list<ReplicaSet>(REPLICASETS, 'default')).items.sort((a, b) => (a.metadata?.resourceVersion ?? '').localeCompare(b.metadata?.resourceVersion ?? '', 'en', { numeric: true }));
  /** name -> spec.replicas */
  const sizes = async (): Promise<Record<string, number>> => Object.fromEntries((await replicaSets()).map((rs) => [rs.metadata?.name ?? '', rs.spec?.replicas ?? 0]));
  const create = async (d: Deployment): Promise<Deployment> => {
    const stored = seed(client, DEPLOYMENTS, d);
    await refresh();
    return stored;
  };
  const update = async (name: string, change: (d: Deployment) => void): Promise<void> => {
    const d = await deployment(name);
    change(d);
    await client.update(DEPLOYMENTS, 'default', d);
    await refresh();
  };
  const sync = async (name = 'web'): Promise<void> => {
    await refresh();
    await controller.sync(`default/${name}`);
    await refresh();
  };
  /**
   * The ReplicaSet controller and kubelet in one step: each ReplicaSet has status.replicas =
   * spec.replicas at once; pods become available `availableAfterSteps` calls after they appear.
   */
  const pending = new Map<string, number>();
  const settle = async (availableAfterSteps = 1): Promise<void> => {
    for (const rs of await replicaSets()) {
      const want = rs.spec?.replicas ?? 0;
      const key = rs.metadata?.name ?? '';
      const prevAvailable = Math.min(rs.status?.availableReplicas ?? 0, want);
      const waited = (pending.get(key) ?? 0) + 1;
      const available = waited > availableAfterSteps || prevAvailable >= want ? want : prevAvailable;
      pending.set(key, available === want ? 0 : waited);
      await client.updateStatus(REPLICASETS, 'default', {
        ...rs,
        status: { replicas: want, readyReplicas: available, availableReplicas: available, observedGeneration: rs.metadata?.generation ?? 1 },
      });
    }
    await refresh();
  };
  return { clock, client, controller, recorder, deploymentInformer, rsInformer, podInformer, refresh, deployment, replicaSets, sizes, create, update, sync, settle };
}
