// Simulated nodes against a real `kite server`: three sim nodes register and heartbeat, kubectl
// shows them Ready, a pod bound to one runs with an IP; the node lifecycle controller marks a node
// whose heartbeats stop NotReady, taints it and evicts its pods; the DaemonSet controller puts a
// pod on every node (placed there by the server's scheduler through their metadata.name affinity).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { SharedInformerFactory } from '../../src/client/informer-factory.js';
import { DAEMONSETS, EVENTS, NODES, PODS } from '../../src/client/resources.js';
import { RestClient } from '../../src/client/rest-client.js';
import type { ControllerContext } from '../../src/controllers/context.js';
import { startDaemonSetController } from '../../src/controllers/daemonset/start.js';
import type { DaemonSet } from '../../src/controllers/daemonset/types.js';
import { nodeLifecycleStarter } from '../../src/controllers/nodelifecycle/start.js';
import { type SimNodes, startSimNodes } from '../../src/simnodes/sim-nodes.js';
import { KITE_BIN, type KiteServer, startKiteServer } from '../util/kite-server.js';
import { untilWithin } from '../util/until.js';

const until = untilWithin(20_000, 100);

describe('sim nodes, node lifecycle and DaemonSets against kite server', () => {
  let kite: KiteServer;
  let client: RestClient;
  let sim: SimNodes;
  const stop = new AbortController();

  before(async () => {
    // The server's scheduler places DaemonSet pods; its controllers are off so the test runs its own
    // with a short node grace period.
    kite = await startKiteServer({ args: ['--disable-controllers'] });
    client = await RestClient.fromKubeconfig(kite.kubeconfig);
    sim = await startSimNodes(client, {
      count: 3,
      leaseRenewIntervalMs: 1000,
      statusUpdateIntervalMs: 1000,
      terminationDelayMs: 200,
      tickMs: 200,
    });
    const informers = new SharedInformerFactory(client);
    const ctx: ControllerContext = { client, informers, signal: stop.signal, log: pino({ level: 'warn' }) };
    await nodeLifecycleStarter({ gracePeriodMs: 4000, monitorPeriodMs: 500 })(ctx);
    await startDaemonSetController(ctx);
  });

  after(async () => {
    stop.abort();
    await sim?.stop();
    client?.close();
    await kite?.stop();
  });

  it('kubectl shows three Ready nodes with the kubelet columns', async () => {
    const r = await kite.kubectl(['get', 'nodes']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s*$/m);
    for (const name of ['sim-0', 'sim-1', 'sim-2']) assert.match(r.stdout, new RegExp(`^${name}\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.32\\.0-kite-sim\\s*$`, 'm'));
    const wide = await kite.kubectl(['get', 'nodes', '-o', 'wide']);
    assert.equal(wide.code, 0, wide.stderr);
    assert.match(wide.stdout, /INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME/);
    assert.match(wide.stdout, /^sim-1\s+Ready\s+.*\s10\.244\.0\.2\s+<none>\s+Kite Simulated Node\s+6\.1\.0-kite-sim\s+sim:\/\/1\s*$/m);
    const lease = await kite.kubectl(['get', 'lease', '-n', 'kube-node-lease', 'sim-0', '-o', 'jsonpath={.spec.holderIdentity} {.spec.leaseDurationSeconds}']);
    assert.equal(lease.stdout, 'sim-0 40');
  });

  it('a pod bound to a sim node runs with an IP from the node pod CIDR', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { nodeName: 'sim-1', containers: [{ name: 'nginx', image: 'nginx:1.27' }] } };
    await client.create(PODS, 'default', pod);
    const running = await until('web Running', async () => {
      const p = await client.get<Pod>(PODS, 'default', 'web');
      return p.status?.phase === 'Running' ? p : undefined;
    });
    assert.match(running.status?.podIP ?? '', /^10\.42\.1\.\d+$/);
    assert.equal(running.status?.hostIP, '10.244.0.2');
    const r = await kite.kubectl(['get', 'pod', 'web', '-o', 'wide']);
    assert.match(r.stdout, /^web\s+1\/1\s+Running\s+0\s+\S+\s+10\.42\.1\.\d+\s+sim-1\s/m);
  });

  it('a DaemonSet gets one Running pod on every node', async () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'kube-system' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image: 'busybox', command: ['sleep', 'infinity'] }] } },
      },
    };
    await client.create(DAEMONSETS, 'kube-system', ds);
    await until('DaemonSet available everywhere', async () => {
      const cur = await client.get<DaemonSet>(DAEMONSETS, 'kube-system', 'agent');
      return cur.status?.numberAvailable === 3 && cur.status.desiredNumberScheduled === 3 ? cur : undefined;
    });
    const pods = (await client.list<Pod>(PODS, 'kube-system', { labelSelector: 'app=agent' })).items;
    assert.deepEqual(pods.map((p) => p.spec?.nodeName).sort(), ['sim-0', 'sim-1', 'sim-2']);
    assert.ok(pods.every((p) => p.status?.phase === 'Running' && p.metadata?.labels?.['controller-revision-hash']));
    const r = await kite.kubectl(['get', 'daemonset', '-n', 'kube-system', 'agent']);
    assert.match(r.stdout, /^agent\s+3\s+3\s+3\s+3\s+3\s/m);
  });

  it('a node whose heartbeats stop goes NotReady, is tainted, and its pods are evicted; it recovers', async () => {
    await client.create(PODS, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'doomed', namespace: 'default' }, spec: { nodeName: 'sim-2', containers: [{ name: 'c', image: 'nginx' }],
      // Without this the DefaultTolerationSeconds admission plugin gives the pod 300 s before eviction.
      tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }] } });
    await until('doomed Running', async () => (await client.get<Pod>(PODS, 'default', 'doomed')).status?.phase === 'Running');
    sim.stopHeartbeats('sim-2');
    const node = await until('sim-2 NotReady', async () => {
      const n = await client.get<Node>(NODES, undefined, 'sim-2');
      return n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown' ? n : undefined;
    });
    assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.reason, 'NodeStatusUnknown');
    const r = await kite.kubectl(['get', 'nodes']);
    assert.match(r.stdout, /^sim-2\s+NotReady\s/m);
    assert.match(r.stdout, /^sim-1\s+Ready\s/m);
    const tainted = await until('unreachable taint', async () => {
      const n = await client.get<Node>(NODES, undefined, 'sim-2');
      return n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? n : undefined;
    });
    assert.ok(tainted.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule'));
    await until('doomed evicted', async () => client.get(PODS, 'default', 'doomed').then(() => false, (err: { reason?: string }) => err.reason === 'NotFound'));
    const events = (await client.list<{ reason?: string; involvedObject?: { name?: string } }>(EVENTS, 'default')).items;
    assert.ok(events.some((e) => e.reason === 'TaintManagerEviction' && e.involvedObject?.name === 'doomed'));
    assert.ok(events.some((e) => e.reason === 'NodeNotReady' && e.involvedObject?.name === 'sim-2'));
    // The DaemonSet pod tolerates unreachable nodes and stays; the pod on a healthy node is untouched.
    const agents = (await client.list<Pod>(PODS, 'kube-system', { labelSelector: 'app=agent' })).items;
    assert.ok(agents.some((p) => p.spec?.nodeName === 'sim-2' && !p.metadata?.deletionTimestamp));
    assert.equal((await client.get<Pod>(PODS, 'default', 'web')).status?.phase, 'Running');

    sim.resumeHeartbeats('sim-2');
    await until('sim-2 Ready and untainted', async () => {
      const n = await client.get<Node>(NODES, undefined, 'sim-2');
      const ready = n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      return ready && !(n.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/unreachable');
    });
  });
});

describe('kite sim-nodes command', () => {
  let kite: KiteServer;
  let dir: string;
  before(async () => {
    kite = await startKiteServer({ args: ['--disable-controllers', '--disable-scheduler'] });
    dir = await mkdtemp(join(tmpdir(), 'kite-sim-cli-'));
  });
  after(async () => {
    await kite?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('registers nodes, silences the ones in the stop file, and deletes them on SIGTERM', async () => {
    const stopFile = join(dir, 'stop');
    const args = [KITE_BIN, 'sim-nodes', '--count', '2', '--kubeconfig', kite.kubeconfig, '--name-prefix', 'cli-', '--labels', 'zone=z1', '--taints', 'dedicated=sim:NoSchedule'];
    const child = spawn(process.execPath, [...args, '--lease-renew-interval', '500ms', '--stop-heartbeats-file', stopFile, '--delete-on-exit'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await until('2 sim nodes running', async () => output.includes('2 sim nodes running (cli-0 .. cli-1)'));
      const r = await kite.kubectl(['get', 'nodes', '-l', 'zone=z1', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.taints[0].key}{"\\n"}{end}']);
      assert.equal(r.stdout, 'cli-0 dedicated\ncli-1 dedicated\n');
      const renewTime = async (name: string): Promise<string> => (await kite.kubectl(['get', 'lease', '-n', 'kube-node-lease', name, '-o', 'jsonpath={.spec.renewTime}'])).stdout;
      await writeFile(stopFile, 'cli-1\n');
      await new Promise((r) => setTimeout(r, 1500));
      const frozen = await renewTime('cli-1');
      const moving = await renewTime('cli-0');
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(await renewTime('cli-1'), frozen, 'the listed node stopped renewing');
      assert.notEqual(await renewTime('cli-0'), moving, 'the other node still renews');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    const left = await kite.kubectl(['get', 'nodes', '-o', 'name']);
    assert.equal(left.stdout.trim(), '', output);
  });
});
