// The ReplicaSet and Deployment controllers, run in this process against a real kite server
// (its own controllers and scheduler disabled) over HTTPS, driven by the real kubectl. With no
// nodes or kubelet yet, a tiny stand-in marks every new pod Running and Ready through /status.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { formatTime } from '../../src/apimachinery/meta.js';
import { isConflict, isNotFound } from '../../src/client/errors.js';
import { SharedInformerFactory } from '../../src/client/informer-factory.js';
import { newInformer } from '../../src/client/informer.js';
import { DEPLOYMENTS, EVENTS, PODS, REPLICASETS } from '../../src/client/resources.js';
import { RestClient } from '../../src/client/rest-client.js';
import type { ApiObject, Watch } from '../../src/client/types.js';
import type { ControllerContext } from '../../src/controllers/context.js';
import { startDeploymentController } from '../../src/controllers/deployment/controller.js';
import type { Deployment } from '../../src/controllers/deployment/types.js';
import { startReplicaSetController } from '../../src/controllers/replicaset/controller.js';
import type { Pod, ReplicaSet } from '../../src/controllers/replicaset/types.js';
import { type KiteServer, startKiteServer } from '../util/kite-server.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(`timed out waiting for: ${what}`);
}

const isReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** Marks each new pod Running and Ready `delayMs` after it appears, as a kubelet would once its containers start. */
function startFakeKubelet(client: RestClient, signal: AbortSignal, delayMs: number): void {
  const informer = newInformer<Pod>(client, { type: PODS });
  const started = new Set<string>();
  const markReady = async (namespace: string, name: string): Promise<void> => {
    for (let attempt = 0; attempt < 5 && !signal.aborted; attempt++) {
      try {
        const pod = await client.get<Pod>(PODS, namespace, name);
        if (isReady(pod) || pod.metadata?.deletionTimestamp) return;
        const now = formatTime(Date.now());
        const containers = pod.spec?.containers ?? [];
        await client.updateStatus<Pod>(PODS, namespace, {
          ...pod,
          status: {
            ...pod.status,
            phase: 'Running',
            startTime: now,
            podIP: '10.88.0.10',
            conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: now })),
            containerStatuses: containers.map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } } })),
          },
        });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err)) throw err;
      }
    }
  };
  const consider = (pod: Pod): void => {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}/${pod.metadata?.uid}`;
    if (started.has(key) || isReady(pod) || pod.metadata?.deletionTimestamp) return;
    started.add(key);
    setTimeout(() => void markReady(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '').catch(() => undefined), delayMs);
  };
  informer.addEventHandler({ onAdd: consider, onUpdate: (_old, cur) => consider(cur) });
  void informer.run(signal);
}

const deploymentYaml = (replicas: number): string =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } },
    },
  });

describe('deployment and replicaset controllers with kubectl', () => {
  let kite: KiteServer;
  let client: RestClient;
  const stop = new AbortController();

  const kubectl = async (args: string[], stdin?: string, timeoutMs = 60_000): Promise<string> => {
    const r = await kite.kubectl(args, { stdin, timeoutMs });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  /** Pods of the Deployment that are not being deleted. */
  const livePods = async (): Promise<Pod[]> =>
    (await client.list<Pod>(PODS, 'default', { labelSelector: 'app=web' })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const replicaSets = async (): Promise<ReplicaSet[]> => (await client.list<ReplicaSet>(REPLICASETS, 'default', { labelSelector: 'app=web' })).items;
  const image = async (): Promise<string> => kubectl(['get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
  const rolloutStatus = async (): Promise<string> => kubectl(['rollout', 'status', 'deployment/web', '--timeout=90s'], undefined, 100_000);

  before(async () => {
    kite = await startKiteServer({ args: ['--disable-controllers', '--disable-scheduler'] });
    client = await RestClient.fromKubeconfig(kite.kubeconfig, { userAgent: 'deployment-controller-test' });
    const ctx: ControllerContext = { client, informers: new SharedInformerFactory(client), signal: stop.signal, log: pino({ level: 'silent' }) };
    await startReplicaSetController(ctx);
    await startDeploymentController(ctx);
    startFakeKubelet(client, stop.signal, 150);
  });

  after(async () => {
    stop.abort();
    client?.close();
    await kite?.stop();
  });

  it('kubectl apply of a 3-replica Deployment makes 3 ready pods through one ReplicaSet', async () => {
    const out = await kubectl(['apply', '-f', '-'], deploymentYaml(3));
    assert.match(out, /deployment.apps\/web created/);
    await eventually('3 ready pods', async () => {
      const pods = await livePods();
      return pods.length === 3 && pods.every(isReady);
    });
    assert.match(await rolloutStatus(), /deployment "web" successfully rolled out/);
    const rss = await replicaSets();
    assert.equal(rss.length, 1);
    const rs = rss[0]!;
    const hash = rs.metadata?.labels?.['pod-template-hash'] ?? '';
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs.metadata?.name, `web-${hash}`);
    assert.equal(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
    for (const pod of await livePods()) {
      assert.equal(pod.metadata?.generateName, `web-${hash}-`);
      assert.equal(pod.metadata?.ownerReferences?.[0]?.uid, rs.metadata?.uid);
      assert.equal(pod.metadata?.labels?.['pod-template-hash'], hash);
    }
    const d = await client.get<Deployment>(DEPLOYMENTS, 'default', 'web');
    assert.deepEqual(
      { observed: d.status?.observedGeneration, replicas: d.status?.replicas, updated: d.status?.updatedReplicas, ready: d.status?.readyReplicas, available: d.status?.availableReplicas },
      { observed: d.metadata?.generation, replicas: 3, updated: 3, ready: 3, available: 3 },
    );
    const wide = await kubectl(['get', 'deployment', 'web']);
    assert.match(wide, /^web\s+3\/3\s+3\s+3\s+/m);
  });

  it('kubectl scale to 5 and then to 1', async () => {
    await kubectl(['scale', 'deployment', 'web', '--replicas=5']);
    await eventually('5 ready pods', async () => {
      const pods = await livePods();
      return pods.length === 5 && pods.every(isReady);
    });
    await rolloutStatus();
    await kubectl(['scale', 'deployment', 'web', '--replicas=1']);
    await eventually('1 pod', async () => (await livePods()).length === 1);
    assert.match(await rolloutStatus(), /successfully rolled out/);
    const events = (await client.list<ApiObject & { reason?: string; message?: string }>(EVENTS, 'default')).items;
    const messages = events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
    assert.ok(messages.some((m) => /^Scaled up replica set web-\w+ from 3 to 5$/.test(m ?? '')), messages.join('\n'));
    assert.ok(messages.some((m) => /^Scaled down replica set web-\w+ from 5 to 1$/.test(m ?? '')), messages.join('\n'));
    assert.ok(events.some((e) => e.reason === 'SuccessfulCreate' && /^Created pod: web-\w+-\w+$/.test(e.message ?? '')));
    assert.ok(events.some((e) => e.reason === 'SuccessfulDelete' && /^Deleted pod: web-\w+-\w+$/.test(e.message ?? '')));
  });

  it('kubectl set image with maxSurge 1 / maxUnavailable 0 never runs more than 4 pods nor fewer than 3 ready', async () => {
    await kubectl(['scale', 'deployment', 'web', '--replicas=3']);
    await eventually('3 ready pods', async () => {
      const pods = await livePods();
      return pods.length === 3 && pods.every(isReady);
    });
    await rolloutStatus();

    // Watch every pod change from here on and check the bounds after each one.
    const list = await client.list<Pod>(PODS, 'default', { labelSelector: 'app=web' });
    const pods = new Map<string, Pod>(list.items.filter((p) => !p.metadata?.deletionTimestamp).map((p) => [p.metadata?.name ?? '', p]));
    let maxPods = pods.size;
    let minReady = [...pods.values()].filter(isReady).length;
    const violations: string[] = [];
    const watch: Watch<Pod> = await client.watch<Pod>(PODS, 'default', {
      labelSelector: 'app=web',
      resourceVersion: list.metadata.resourceVersion,
      onEvent: (ev) => {
        if (ev.type === 'ERROR' || ev.type === 'BOOKMARK') return;
        const pod = ev.object as Pod;
        const name = pod.metadata?.name ?? '';
        if (ev.type === 'DELETED' || pod.metadata?.deletionTimestamp) pods.delete(name);
        else pods.set(name, pod);
        const ready = [...pods.values()].filter(isReady).length;
        maxPods = Math.max(maxPods, pods.size);
        minReady = Math.min(minReady, ready);
        if (pods.size > 4 || ready < 3) violations.push(`${ev.type} ${name}: ${pods.size} pods, ${ready} ready`);
      },
    });
    try {
      await kubectl(['set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
      assert.match(await rolloutStatus(), /successfully rolled out/);
      await eventually('3 new pods only', async () => {
        const live = await livePods();
        return live.length === 3 && live.every((p) => p.spec?.containers[0]?.image === 'nginx:1.27' && isReady(p));
      });
    } finally {
      watch.stop();
    }
    assert.deepEqual(violations, []);
    assert.equal(maxPods, 4, 'the surge pod was used');
    assert.equal(minReady, 3);
    const rss = await replicaSets();
    assert.equal(rss.length, 2);
    assert.deepEqual(rss.map((rs) => [rs.spec?.template?.spec?.containers[0]?.image, rs.spec?.replicas, rs.metadata?.annotations?.['deployment.kubernetes.io/revision']]).sort(), [
      ['nginx:1.26', 0, '1'],
      ['nginx:1.27', 3, '2'],
    ]);
  });

  it('kubectl rollout history lists the revisions', async () => {
    const out = await kubectl(['rollout', 'history', 'deployment/web']);
    assert.match(out, /deployment.apps\/web/);
    assert.match(out, /^REVISION\s+CHANGE-CAUSE/m);
    assert.match(out, /^1\s+<none>/m);
    assert.match(out, /^2\s+<none>/m);
    const detail = await kubectl(['rollout', 'history', 'deployment/web', '--revision=1']);
    assert.match(detail, /nginx:1\.26/);
  });

  it('kubectl rollout undo restores the old image as revision 3', async () => {
    const out = await kubectl(['rollout', 'undo', 'deployment/web']);
    assert.match(out, /deployment.apps\/web rolled back/);
    assert.equal(await image(), 'nginx:1.26');
    assert.match(await rolloutStatus(), /successfully rolled out/);
    await eventually('3 pods of the old image', async () => {
      const live = await livePods();
      return live.length === 3 && live.every((p) => p.spec?.containers[0]?.image === 'nginx:1.26' && isReady(p));
    });
    const rss = await replicaSets();
    assert.equal(rss.length, 2, 'the old ReplicaSet is reused');
    const old = rss.find((rs) => rs.spec?.template?.spec?.containers[0]?.image === 'nginx:1.26')!;
    assert.equal(old.metadata?.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(old.metadata?.annotations?.['deployment.kubernetes.io/revision-history'], '1');
    const history = await kubectl(['rollout', 'history', 'deployment/web']);
    assert.match(history, /^2\s+<none>/m);
    assert.match(history, /^3\s+<none>/m);
    assert.doesNotMatch(history, /^1\s+<none>/m);
  });

  it('kubectl rollout restart creates a new ReplicaSet and rolls it out', async () => {
    const before = new Set((await replicaSets()).map((rs) => rs.metadata?.name));
    const out = await kubectl(['rollout', 'restart', 'deployment/web']);
    assert.match(out, /deployment.apps\/web restarted/);
    assert.match(await rolloutStatus(), /successfully rolled out/);
    const rss = await replicaSets();
    const added = rss.filter((rs) => !before.has(rs.metadata?.name));
    assert.equal(added.length, 1);
    assert.ok(added[0]!.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
    assert.equal(added[0]!.metadata?.annotations?.['deployment.kubernetes.io/revision'], '4');
    await eventually('3 pods of the restarted ReplicaSet', async () => {
      const live = await livePods();
      return live.length === 3 && live.every((p) => p.metadata?.ownerReferences?.[0]?.uid === added[0]!.metadata?.uid && isReady(p));
    });
    const d = await client.get<Deployment>(DEPLOYMENTS, 'default', 'web');
    assert.equal(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason, 'NewReplicaSetAvailable');
    assert.equal(d.status?.conditions?.find((c) => c.type === 'Available')?.status, 'True');
    assert.equal(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], '4');
  });
});
