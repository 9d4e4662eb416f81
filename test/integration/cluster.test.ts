// Acceptance test of "Controllers and scheduler: Deployments become Pods placed on Nodes": one
// real `kite server` with its default flags (embedded controllers and scheduler), three simulated
// nodes run in this process (the embedded node agent is off, the test util's default, so these
// are the only nodes), everything driven by the real kubectl as a user would.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { PODS } from '../../src/client/resources.js';
import { RestClient } from '../../src/client/rest-client.js';
import type { Watch } from '../../src/client/types.js';
import { type SimNodes, startSimNodes } from '../../src/simnodes/sim-nodes.js';
import { type KiteServer, startKiteServer } from '../util/kite-server.js';
import { untilWithin } from '../util/until.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const until = untilWithin(30_000, 200);

const isReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const isLive = (p: Pod): boolean => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';

interface Owned {
  metadata: { name: string; ownerReferences?: { kind: string; name: string }[]; annotations?: Record<string, string> };
  spec: { replicas?: number; template: { spec: { containers: { image: string }[] } } };
}

const WEBSERVER_YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: webserver
  labels:
    app: apache
spec:
  replicas: 3
  selector:
    matchLabels:
      app: apache
  template:
    metadata:
      labels:
        app: apache
    spec:
      containers:
      - name: php-apache
        image: php:8-apache
        ports:
        - containerPort: 80
`;

/** A Deployment manifest (JSON is YAML) for kubectl apply. */
function deployment(name: string, replicas: number, extra: { image?: string; podSpec?: Record<string, unknown>; spec?: Record<string, unknown> } = {}): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: extra.image ?? 'nginx:1.26' }], ...extra.podSpec } },
      ...extra.spec,
    },
  });
}

describe('cluster: Deployments become Pods placed on Nodes (kite server, 3 sim nodes, kubectl)', () => {
  let kite: KiteServer;
  let client: RestClient;
  let sim: SimNodes;

  const kubectl = async (args: string[], stdin?: string, timeoutMs = 70_000): Promise<string> => {
    const r = await kite.kubectl(args, { stdin, timeoutMs });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const getJson = async <T>(args: string[]): Promise<T> => JSON.parse(await kubectl([...args, '-o', 'json'])) as T;
  const pods = async (selector: string): Promise<Pod[]> => (await getJson<{ items: Pod[] }>(['get', 'pods', '-l', selector])).items;
  const livePods = async (selector: string): Promise<Pod[]> => (await pods(selector)).filter(isLive);
  const replicaSets = async (selector: string): Promise<Owned[]> => (await getJson<{ items: Owned[] }>(['get', 'rs', '-l', selector])).items;
  const rolloutStatus = (name: string): Promise<string> => kubectl(['rollout', 'status', `deployment/${name}`, '--timeout=60s']);
  /** Waits until the selector matches exactly `n` pods, all Running and Ready, none terminating. */
  const runningPods = (selector: string, n: number, timeoutMs?: number): Promise<Pod[]> =>
    until(`${n} running pods for ${selector}`, async () => {
      const all = await pods(selector);
      return all.length === n && all.every((p) => isLive(p) && p.status?.phase === 'Running' && isReady(p)) ? all : undefined;
    }, timeoutMs);
  const deleteDeployment = (name: string): Promise<string> => kubectl(['delete', 'deployment', name, '--cascade=foreground']);

  before(async () => {
    kite = await startKiteServer();
    client = await RestClient.fromKubeconfig(kite.kubeconfig, { userAgent: 'cluster-test' });
    sim = await startSimNodes(client, { count: 3, leaseRenewIntervalMs: 2000, statusUpdateIntervalMs: 2000, terminationDelayMs: 300, tickMs: 200 });
    await until('3 Ready nodes', async () => (await kubectl(['get', 'nodes'])).match(/^sim-\d\s+Ready\s/gm)?.length === 3);
  });

  after(async () => {
    await sim?.stop();
    client?.close();
    await kite?.stop();
  });

  it('the seed Deployment (webserver, php:8-apache, 3 replicas) runs 3 pods spread over the 3 nodes', async () => {
    assert.match(await kubectl(['apply', '-f', '-'], WEBSERVER_YAML), /^deployment\.apps\/webserver created$/m);
    assert.match(await rolloutStatus('webserver'), /deployment "webserver" successfully rolled out/);
    const running = await runningPods('app=apache', 3);
    assert.deepEqual(running.map((p) => p.spec?.nodeName).sort(), ['sim-0', 'sim-1', 'sim-2']);
    for (const p of running) {
      assert.equal(p.spec?.containers[0]?.image, 'php:8-apache');
      assert.equal(p.spec?.containers[0]?.ports?.[0]?.containerPort, 80);
      assert.match(p.status?.podIP ?? '', /^10\.42\.[0-2]\.\d+$/);
    }
    assert.match(await kubectl(['get', 'deployment', 'webserver']), /^webserver\s+3\/3\s+3\s+3\s/m);
    const wide = await kubectl(['get', 'pods', '-l', 'app=apache', '-o', 'wide']);
    assert.equal(wide.match(/^webserver-\w+-\w+\s+1\/1\s+Running\s+0\s+\S+\s+10\.42\.\d+\.\d+\s+sim-\d\s/gm)?.length, 3, wide);
  });

  it('kubectl scale to 5 and then to 1: the pod count follows', async () => {
    await kubectl(['scale', 'deployment/webserver', '--replicas=5']);
    const five = await runningPods('app=apache', 5);
    assert.equal(new Set(five.map((p) => p.spec?.nodeName)).size, 3, 'five pods use all three nodes');
    await rolloutStatus('webserver');
    await kubectl(['scale', 'deployment/webserver', '--replicas=1']);
    await runningPods('app=apache', 1);
    assert.match(await kubectl(['get', 'deployment', 'webserver']), /^webserver\s+1\/1\s+1\s+1\s/m);
    await deleteDeployment('webserver');
  });

  it('a rolling update with maxSurge 1 / maxUnavailable 0 stays within 4 pods and 3 ready; history, undo, restart', async () => {
    const strategy = { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } };
    await kubectl(['apply', '-f', '-'], deployment('rolling', 3, { spec: strategy }));
    await rolloutStatus('rolling');
    await runningPods('app=rolling', 3);
    const [firstRs] = await replicaSets('app=rolling');
    assert.ok(firstRs);

    // Track every pod change from the current state on and check the bounds after each one.
    const list = await client.list<Pod>(PODS, 'default', { labelSelector: 'app=rolling' });
    const current = new Map(list.items.map((p) => [p.metadata?.name ?? '', p]));
    const violations: string[] = [];
    let maxLive = 0;
    let minReady = Infinity;
    const newImageReady = new Set<string>();
    const watch: Watch<Pod> = await client.watch<Pod>(PODS, 'default', {
      labelSelector: 'app=rolling',
      resourceVersion: list.metadata.resourceVersion,
      onEvent: (ev) => {
        if (ev.type === 'ERROR' || ev.type === 'BOOKMARK') return;
        const pod = ev.object as Pod;
        const name = pod.metadata?.name ?? '';
        if (ev.type === 'DELETED') current.delete(name);
        else current.set(name, pod);
        if (ev.type !== 'DELETED' && isLive(pod) && isReady(pod) && pod.spec?.containers[0]?.image === 'nginx:1.27') newImageReady.add(name);
        const live = [...current.values()].filter(isLive);
        const ready = live.filter(isReady).length;
        maxLive = Math.max(maxLive, live.length);
        minReady = Math.min(minReady, ready);
        if (live.length > 4 || ready < 3) violations.push(`${ev.type} ${name}: ${live.length} live, ${ready} ready`);
      },
    });
    try {
      await kubectl(['set', 'image', 'deployment/rolling', 'web=nginx:1.27']);
      assert.match(await rolloutStatus('rolling'), /successfully rolled out/);
      const updated = await runningPods('app=rolling', 3);
      assert.ok(updated.every((p) => p.spec?.containers[0]?.image === 'nginx:1.27'));
    } finally {
      watch.stop();
    }
    assert.deepEqual(violations, []);
    assert.equal(maxLive, 4, 'the rollout surged to 4 pods');
    assert.equal(minReady, 3);
    assert.equal(newImageReady.size, 3, 'the watch saw the 3 new pods become ready');

    const history = await kubectl(['rollout', 'history', 'deployment/rolling']);
    assert.match(history, /^REVISION\s+CHANGE-CAUSE\s*$/m);
    assert.deepEqual(history.match(/^\d+(?=\s)/gm), ['1', '2'], history);

    await kubectl(['rollout', 'undo', 'deployment/rolling']);
    await rolloutStatus('rolling');
    const undone = await runningPods('app=rolling', 3);
    assert.ok(undone.every((p) => p.spec?.containers[0]?.image === 'nginx:1.26'));
    const afterUndo = await replicaSets('app=rolling');
    assert.equal(afterUndo.length, 2, 'undo reuses the first ReplicaSet instead of making a third');
    const active = afterUndo.filter((rs) => (rs.spec.replicas ?? 0) > 0);
    assert.deepEqual(active.map((rs) => rs.metadata.name), [firstRs.metadata.name]);
    assert.equal(active[0]?.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.ok(undone.every((p) => p.metadata?.ownerReferences?.[0]?.name === firstRs.metadata.name));

    await kubectl(['rollout', 'restart', 'deployment/rolling']);
    await rolloutStatus('rolling');
    const restarted = await runningPods('app=rolling', 3);
    const afterRestart = await replicaSets('app=rolling');
    assert.equal(afterRestart.length, 3, 'restart makes a new ReplicaSet');
    const fresh = afterRestart.find((rs) => !afterUndo.some((old) => old.metadata.name === rs.metadata.name));
    assert.ok(fresh && fresh.spec.replicas === 3);
    assert.ok(restarted.every((p) => p.metadata?.ownerReferences?.[0]?.name === fresh.metadata.name && p.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']));
    await deleteDeployment('rolling');
  });

  it('deleting a Deployment: background, foreground and orphan cascades', async () => {
    for (const name of ['del-bg', 'del-fg', 'del-orphan']) await kubectl(['create', 'deployment', name, '--image=nginx:1.27', '--replicas=2']);
    for (const name of ['del-bg', 'del-fg', 'del-orphan']) await runningPods(`app=${name}`, 2);

    assert.match(await kubectl(['delete', 'deployment', 'del-bg']), /deployment\.apps "del-bg" deleted/);
    await until('del-bg ReplicaSets and pods gone', async () => (await replicaSets('app=del-bg')).length === 0 && (await pods('app=del-bg')).length === 0);

    assert.match(await kubectl(['delete', 'deployment', 'del-fg', '--cascade=foreground']), /deployment\.apps "del-fg" deleted/);
    // Foreground: kubectl waited for the Deployment, which went only after its dependents did.
    assert.equal((await replicaSets('app=del-fg')).length, 0);
    assert.equal((await pods('app=del-fg')).length, 0);

    const orphanPods = (await pods('app=del-orphan')).map((p) => p.metadata?.name).sort();
    await kubectl(['delete', 'deployment', 'del-orphan', '--cascade=orphan']);
    const [orphanRs, ...more] = await until('the orphaned ReplicaSet', async () => {
      const rss = await replicaSets('app=del-orphan');
      return rss.length === 1 && !rss[0]?.metadata.ownerReferences?.length ? rss : undefined;
    });
    assert.equal(more.length, 0);
    await sleep(1000); // the garbage collector would have acted by now
    assert.deepEqual((await livePods('app=del-orphan')).map((p) => p.metadata?.name).sort(), orphanPods);
    await kubectl(['delete', 'rs', orphanRs!.metadata.name, '--cascade=orphan']);
    const left = await until('pods without owners', async () => {
      const ps = await livePods('app=del-orphan');
      return ps.every((p) => !p.metadata?.ownerReferences?.length) ? ps : undefined;
    });
    assert.deepEqual(left.map((p) => p.metadata?.name).sort(), orphanPods);
    assert.ok(left.every((p) => p.status?.phase === 'Running'));
    await kubectl(['delete', 'pods', '-l', 'app=del-orphan', '--wait=true']);
  });

  it('a nodeSelector no node matches stays Pending with FailedScheduling; labelling sim-1 places it there', async () => {
    await kubectl(['apply', '-f', '-'], deployment('ssd', 1, { podSpec: { nodeSelector: { disktype: 'ssd' } } }));
    const pending = await until('the FailedScheduling event', async () => {
      const [pod] = await pods('app=ssd');
      if (!pod) return undefined;
      const events = await getJson<{ items: { reason: string; message: string; type: string }[] }>([
        'get', 'events', '--field-selector', `involvedObject.kind=Pod,involvedObject.name=${pod.metadata?.name},reason=FailedScheduling`,
      ]);
      return events.items.length ? { pod, event: events.items[0]! } : undefined;
    });
    assert.equal(pending.event.type, 'Warning');
    // Kubernetes' FitError text; a scheduler with DefaultPreemption appends what preemption found.
    assert.match(
      pending.event.message,
      /^0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector\.( preemption: 0\/3 nodes are available: 3 Preemption is not helpful for scheduling\.)?$/,
    );
    assert.match(await kubectl(['describe', 'pod', pending.pod.metadata!.name!]), /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/3 nodes are available/);
    await sleep(500);
    const [still] = await pods('app=ssd');
    assert.equal(still?.status?.phase, 'Pending');
    assert.equal(still?.spec?.nodeName, undefined);
    assert.equal(still?.status?.conditions?.find((c) => c.type === 'PodScheduled')?.reason, 'Unschedulable');
    assert.match(await kubectl(['get', 'pods', '-l', 'app=ssd']), /\s0\/1\s+Pending\s/);

    await kubectl(['label', 'node', 'sim-1', 'disktype=ssd']);
    const [placed] = await runningPods('app=ssd', 1);
    assert.equal(placed?.spec?.nodeName, 'sim-1');
    assert.equal(placed?.metadata?.name, pending.pod.metadata?.name, 'the pending pod itself was scheduled');
    await deleteDeployment('ssd');
  });

  it('a Job created with kubectl runs to completion', async () => {
    await kubectl(['create', 'job', 'once', '--image=busybox', '--', 'sh', '-c', 'exit 0']);
    await kubectl(['wait', '--for=condition=complete', 'job/once', '--timeout=60s']);
    const [pod] = await pods('job-name=once');
    assert.equal(pod?.status?.phase, 'Succeeded');
    assert.match(pod?.spec?.nodeName ?? '', /^sim-\d$/);
    assert.match(await kubectl(['get', 'job', 'once']), /^once\s+Complete\s+1\/1\s/m);
  });

  it('a node whose heartbeats stop goes NotReady and its Deployment pods come back on the other nodes', async (t) => {
    const tolerations = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'].map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }));
    await kubectl(['apply', '-f', '-'], deployment('resilient', 3, { podSpec: { tolerations } }));
    const initial = await runningPods('app=resilient', 3);
    const victim = initial[0]!.spec!.nodeName!;
    const lost = initial.filter((p) => p.spec?.nodeName === victim).map((p) => p.metadata?.name);
    const startedAt = Date.now();
    sim.stopHeartbeats(victim);
    await until(`${victim} NotReady`, async () => new RegExp(`^${victim}\\s+NotReady\\s`, 'm').test(await kubectl(['get', 'nodes'])), 90_000);
    const replaced = await until('3 running pods off the dead node', async () => {
      const ps = await livePods('app=resilient');
      return ps.length === 3 && ps.every((p) => p.spec?.nodeName !== victim && p.status?.phase === 'Running' && isReady(p)) ? ps : undefined;
    }, 30_000);
    assert.ok(lost.every((name) => !replaced.some((p) => p.metadata?.name === name)));
    const taints = await kubectl(['get', 'node', victim, '-o', 'jsonpath={range .spec.taints[*]}{.key}:{.effect}{"\\n"}{end}']);
    assert.match(taints, /^node\.kubernetes\.io\/unreachable:NoExecute$/m);
    const nodes = await kubectl(['get', 'nodes']);
    assert.equal(nodes.match(/^sim-\d\s+Ready\s/gm)?.length, 2, nodes);
    t.diagnostic(`node failure handled in ${Math.round((Date.now() - startedAt) / 1000)} s`);
  });
});
