// The node agent end to end: a real `kite server` (API, scheduler, controllers), kite's agent run
// in this process against it, and real containerd + runc + CNI. Pods are applied with the real
// kubectl and observed through the API and from the host.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get as httpGet } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { type Agent, embedAgent, startAgent } from '../../src/agent/agent.js';
import { BUSYBOX_IMAGE } from '../../src/agent/images/builtin.js';
import { cgroupMountPoints } from '../../src/agent/runtime/cgroups.js';
import { RestClient } from '../../src/client/rest-client.js';
import { LEASES, NODES, PODS } from '../../src/client/resources.js';
import { containerdSkipReason, startTestContainerd, type TestContainerd } from '../util/containerd.js';
import { type KiteServer, startKiteServer } from '../util/kite-server.js';
import { untilWithin } from '../util/until.js';

const skip = containerdSkipReason();
if (skip) console.log(`# agent e2e skipped: ${skip}`);

function httpOnce(ip: string, port: number, timeoutMs = 1000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: ip, port, path: '/', timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const until = untilWithin(30_000, 100);

// Serves its hostname over HTTP; the shell exits promptly on SIGTERM (PID 1 ignores signals it has no trap for).
const WEB_COMMAND = ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && httpd -p 8080 -h /www && trap "exit 0" TERM; while :; do sleep 1 & wait $!; done'];

const podManifest = (name: string, spec: Record<string, unknown>): string => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { terminationGracePeriodSeconds: 5, ...spec },
});

describe('node agent with containerd (e2e)', { skip }, () => {
  let server: KiteServer;
  let c: TestContainerd;
  let client: RestClient;
  let agent: Agent;
  const nodeName = `e2e-agent-${process.pid}`;
  const start = (): Promise<Agent> => startAgent({
    client, runtime: c.runtime, dataDir: c.dataDir, nodeName, cgroupRoot: c.cgroupRoot,
    log: { info() {}, warn: (o, m) => console.error('agent:', m, JSON.stringify(o)), error: (o, m) => console.error('agent:', m, JSON.stringify(o)) },
  });
  const getPod = (name: string): Promise<Pod> => client.get<Pod>(PODS, 'default', name);
  const apply = async (name: string, spec: Record<string, unknown>): Promise<void> => {
    const res = await server.kubectl(['apply', '-f', '-'], { stdin: podManifest(name, spec) });
    assert.equal(res.code, 0, res.stderr);
  };
  const status = (pod: Pod, container: string) => pod.status?.containerStatuses?.find((s) => s.name === container);
  const podCgroupDirs = (uid: string): string[] => cgroupMountPoints()
    .flatMap((m) => ['', 'burstable', 'besteffort'].map((q) => `${m}${c.cgroupRoot}${q ? `/${q}` : ''}/pod${uid}`))
    .filter((d) => existsSync(d));

  before(async () => {
    [server, c] = await Promise.all([startKiteServer() /* API-only (--disable-agent): the only node is the agent this test runs */, startTestContainerd({ images: ['busybox'] })]);
    client = await RestClient.fromKubeconfig(server.kubeconfig);
    agent = await start();
  });

  after(async () => {
    await agent?.stop();
    await c?.stop();
    await server?.stop();
  });

  test('the node registers Ready with the host capacity, and keeps its lease', async () => {
    const node = await until('node Ready', async () => {
      const n = await client.get<Node>(NODES, undefined, nodeName);
      return n.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? n : undefined;
    });
    const ready = node.status?.conditions?.find((x) => x.type === 'Ready');
    assert.equal(ready?.reason, 'KubeletReady');
    assert.equal(ready?.message, 'kubelet is posting ready status');
    assert.equal(node.status?.conditions?.find((x) => x.type === 'NetworkUnavailable')?.status, 'False');
    assert.equal(node.status?.nodeInfo?.kubeletVersion, 'v1.32.0-kite');
    assert.match(node.status?.nodeInfo?.containerRuntimeVersion ?? '', /^containerd:\/\//);
    assert.equal(node.status?.capacity?.pods, '110');
    assert.equal(node.status?.capacity?.cpu, String((await import('node:os')).availableParallelism()));
    assert.match(node.status?.capacity?.memory ?? '', /^\d+Ki$/);
    assert.ok(node.status?.addresses?.some((a) => a.type === 'InternalIP'));
    assert.equal(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, 10250);
    assert.equal(node.metadata?.labels?.['kubernetes.io/hostname'], nodeName);
    const lease = await client.get<Lease>(LEASES, 'kube-node-lease', nodeName);
    assert.equal(lease.spec?.holderIdentity, nodeName);
    assert.equal(lease.metadata?.ownerReferences?.[0]?.uid, node.metadata?.uid);
  });

  test('embedAgent (what `kite server` runs) registers a control-plane node and stops cleanly', async () => {
    const serverDataDir = await mkdtemp(join(tmpdir(), 'kite-embed-'));
    const name = `${nodeName}-cp`;
    const embedded = await embedAgent({ client, dataDir: serverDataDir, nodeName: name, containerRuntimeEndpoint: c.endpoint, cgroupRoot: c.cgroupRoot });
    try {
      const node = await until('control-plane node Ready', async () => {
        const n = await client.get<Node>(NODES, undefined, name);
        return n.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? n : undefined;
      });
      assert.equal(node.metadata?.labels?.['node-role.kubernetes.io/control-plane'], 'true');
      assert.equal(embedded.agent.nodeName, name);
      const roles = await server.kubectl(['get', 'node', name]);
      assert.match(roles.stdout, new RegExp(`${name}\\s+Ready\\s+control-plane\\s`));
    } finally {
      await embedded.stop();
      // Nothing runs this node any more: the scheduler must not pick it for the pods below.
      await client.delete(NODES, undefined, name);
      await rm(serverDataDir, { recursive: true, force: true });
    }
  });

  test('a busybox pod runs: Running with a pod IP, HTTP answers from the host, kubectl sees it', async (t) => {
    const t0 = performance.now();
    await apply('web', { containers: [{ name: 'web', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent', command: WEB_COMMAND }] });
    const pod = await until('web Running', async () => {
      const p = await getPod('web');
      return p.status?.phase === 'Running' && status(p, 'web')?.ready ? p : undefined;
    });
    const running = performance.now() - t0;
    assert.equal(pod.spec?.nodeName, nodeName);
    assert.match(pod.status?.podIP ?? '', /^10\.45\./);
    assert.match(status(pod, 'web')?.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal(pod.status?.conditions?.find((x) => x.type === 'Ready')?.status, 'True');
    const res = await until('HTTP 200', () => httpOnce(pod.status!.podIP!, 8080));
    assert.equal(res.status, 200);
    assert.equal(res.body.trim(), 'web');
    t.diagnostic(`apply -> Running+Ready ${running.toFixed(0)} ms, -> first HTTP 200 ${(performance.now() - t0).toFixed(0)} ms`);
    const table = await server.kubectl(['get', 'pod', 'web', '-o', 'wide']);
    assert.match(table.stdout, new RegExp(`web\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${pod.status!.podIP!.replaceAll('.', '\\.')}\\s+${nodeName}`));
    const events = await server.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'jsonpath={.items[*].reason}']);
    for (const reason of ['Scheduled', 'Pulled', 'Created', 'Started']) assert.match(events.stdout, new RegExp(`\\b${reason}\\b`));
  });

  test('killing the container process restarts it (restartCount rises)', async () => {
    const before = await getPod('web');
    const id = status(before, 'web')!.containerID!.replace('containerd://', '');
    const info = (await c.runtime.containerStatus(id, true)).info;
    const pid = (JSON.parse(info.info ?? '{}') as { pid?: number }).pid;
    assert.ok(pid, `container pid in ${JSON.stringify(info).slice(0, 200)}`);
    process.kill(pid, 'SIGKILL');
    const after = await until('restart', async () => {
      const p = await getPod('web');
      const s = status(p, 'web');
      return s?.restartCount === 1 && s.state?.running && s.ready ? p : undefined;
    });
    assert.equal(status(after, 'web')?.lastState?.terminated?.exitCode, 137);
    assert.notEqual(status(after, 'web')?.containerID, status(before, 'web')?.containerID);
    assert.equal((await until('HTTP after restart', () => httpOnce(after.status!.podIP!, 8080))).status, 200);
  });

  test('a crashing container goes into CrashLoopBackOff', async () => {
    await apply('crash', { containers: [{ name: 'crash', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'echo boom; exit 3'] }] });
    const pod = await until('CrashLoopBackOff', async () => {
      const p = await getPod('crash');
      return status(p, 'crash')?.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
    });
    const s = status(pod, 'crash')!;
    assert.match(s.state?.waiting?.message ?? '', new RegExp(`^back-off 10s restarting failed container=crash pod=crash_default\\(${pod.metadata?.uid}\\)$`));
    assert.equal(s.lastState?.terminated?.exitCode, 3);
    assert.equal(s.lastState?.terminated?.reason, 'Error');
    assert.ok((s.restartCount ?? 0) >= 1);
    const table = await server.kubectl(['get', 'pod', 'crash']);
    assert.match(table.stdout, /crash\s+0\/1\s+CrashLoopBackOff\s+\d+/);
  });

  test('a container over its memory limit is OOMKilled', async () => {
    await apply('oom', {
      restartPolicy: 'Never',
      containers: [{
        name: 'hog', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'tail /dev/zero'],
        resources: { limits: { memory: '16Mi' } },
      }],
    });
    const pod = await until('OOMKilled', async () => {
      const p = await getPod('oom');
      return status(p, 'hog')?.state?.terminated ? p : undefined;
    });
    assert.equal(status(pod, 'hog')?.state?.terminated?.reason, 'OOMKilled');
    assert.equal(status(pod, 'hog')?.state?.terminated?.exitCode, 137);
    assert.equal(pod.status?.phase, 'Failed');
  });

  test('readiness (httpGet) gates Ready; a failing liveness probe (exec) restarts the container', async () => {
    const script = [
      'mkdir -p /www; echo ok > /www/index.html; httpd -p 8080 -h /www; touch /tmp/alive',
      '(sleep 2; echo ready > /www/ready.html; sleep 2; rm /tmp/alive) &',
      'trap "exit 0" TERM; while :; do sleep 1 & wait $!; done',
    ].join('\n');
    await apply('probed', {
      containers: [{
        name: 'web', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script],
        readinessProbe: { httpGet: { path: '/ready.html', port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
        livenessProbe: { exec: { command: ['test', '-f', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 1 },
      }],
    });
    const notReady = await until('running, not ready', async () => {
      const p = await getPod('probed');
      return status(p, 'web')?.state?.running ? p : undefined;
    });
    assert.equal(status(notReady, 'web')?.ready, false);
    assert.equal(notReady.status?.conditions?.find((x) => x.type === 'Ready')?.reason, 'ContainersNotReady');
    await until('ready', async () => (status(await getPod('probed'), 'web')?.ready ? true : undefined));
    const restarted = await until('liveness restart', async () => {
      const p = await getPod('probed');
      return (status(p, 'web')?.restartCount ?? 0) >= 1 ? p : undefined;
    }, 20_000);
    // SIGTERM first: the shell's trap ends it with 0.
    assert.equal(status(restarted, 'web')?.lastState?.terminated?.exitCode, 0);
    const events = await server.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=probed', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    assert.match(events.stdout, /^Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 404$/m);
    assert.match(events.stdout, /^Unhealthy: Liveness probe failed: /m);
    assert.match(events.stdout, /^Killing: Container web failed liveness probe, will be restarted$/m);
    assert.equal((await server.kubectl(['delete', 'pod', 'probed', '--wait=true', '--timeout=30s'])).code, 0);
  });

  test('volumes and env: a configMap served over HTTP, an emptyDir written by an init container, env from the configMap', async () => {
    const cm = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'site', namespace: 'default' }, data: { 'index.html': 'from a configmap\n', greeting: 'hello' } });
    assert.equal((await server.kubectl(['apply', '-f', '-'], { stdin: cm })).code, 0);
    await apply('vols', {
      volumes: [{ name: 'site', configMap: { name: 'site' } }, { name: 'scratch', emptyDir: {} }],
      initContainers: [{ name: 'prepare', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'echo prepared > /scratch/init.txt'], volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
      containers: [{
        name: 'web', image: BUSYBOX_IMAGE, imagePullPolicy: 'IfNotPresent',
        command: ['sh', '-c', 'httpd -p 8080 -h /www; trap "exit 0" TERM; while :; do sleep 1 & wait $!; done'],
        env: [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'site', key: 'greeting' } } }, { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        volumeMounts: [{ name: 'site', mountPath: '/www', readOnly: true }, { name: 'scratch', mountPath: '/scratch' }],
      }],
    });
    const pod = await until('vols Running', async () => {
      const p = await getPod('vols');
      return p.status?.phase === 'Running' && status(p, 'web')?.ready ? p : undefined;
    });
    assert.equal(pod.status?.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.equal((await until('HTTP', () => httpOnce(pod.status!.podIP!, 8080))).body, 'from a configmap\n');
    const id = status(pod, 'web')!.containerID!.replace('containerd://', '');
    const exec = async (cmd: string): Promise<string> => (await c.runtime.execSync(id, ['sh', '-c', cmd], 10)).stdout.toString();
    assert.equal(await exec('cat /scratch/init.txt'), 'prepared\n');
    assert.equal(await exec('echo "$GREETING $POD_NAME"'), 'hello vols\n');
    assert.equal(await exec('grep -c vols /etc/hosts'), '1\n');
    assert.equal((await server.kubectl(['delete', 'pod', 'vols', '--wait=true', '--timeout=30s'])).code, 0);
    assert.equal(existsSync(`${c.dataDir}/pods/${pod.metadata!.uid}`), false, 'the pod directory (volumes included) is removed');
  });

  test('restarting the agent leaves running containers untouched', async () => {
    const before = status(await getPod('web'), 'web')!;
    const created = (await c.runtime.listContainers()).length;
    await agent.stop();
    agent = await start();
    // Several relists and syncs later, nothing has changed.
    await new Promise((r) => setTimeout(r, 3000));
    const after = status(await getPod('web'), 'web')!;
    assert.equal(after.containerID, before.containerID);
    assert.equal(after.state?.running?.startedAt, before.state?.running?.startedAt);
    assert.equal(after.restartCount, before.restartCount);
    assert.equal(after.ready, true);
    const ids = new Set((await c.runtime.listContainers()).map((x) => x.id));
    assert.ok(ids.has(before.containerID!.replace('containerd://', '')));
    assert.ok((await c.runtime.listContainers()).length <= created + 1, 'only the crash-looping container may have been recreated');
  });

  test('deleting a pod stops it gracefully and removes its sandbox and cgroups', async () => {
    const pod = await getPod('web');
    const uid = pod.metadata!.uid!;
    assert.ok(podCgroupDirs(uid).length > 0, 'the pod has cgroups while it runs');
    const res = await server.kubectl(['delete', 'pod', 'web', '--wait=true', '--timeout=30s']);
    assert.equal(res.code, 0, res.stderr);
    await until('pod gone', async () => (await client.get<Pod>(PODS, 'default', 'web').then(() => undefined, () => true)));
    assert.deepEqual(await c.runtime.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': uid } }), []);
    assert.deepEqual(await c.runtime.listContainers({ labelSelector: { 'io.kubernetes.pod.uid': uid } }), []);
    assert.deepEqual(podCgroupDirs(uid), []);
    await assert.rejects(httpOnce(pod.status!.podIP!, 8080, 300));
  });
});
