/// <reference types="node" />
// bench/pods: real pods through kite's whole path (API -> scheduler -> embedded agent -> containerd),
// on one node brought up by `kite up` on a temp data dir:
//   1. `kite up` cold start (fresh data dir) to the demo answering, and again after `kite down`;
//   2. idle RSS of kite server (API, controllers, scheduler, agent) and, apart, containerd's;
//   3. pod create -> Running seen through a watch, 30 pods one after another (image present), next to
//      raw CRI RunPodSandbox + CreateContainer + StartContainer measured in the same run (bench/cri-raw);
//   4. 100 pods created at once: time until all are Running (and until all are gone again).
// Prints figures and goals; never fails on noise. Needs root, containerd, and no other kite node here.
//   npm run bench:pods
// KITE_BENCH_QUICK=1: 20 pods in the burst and no second `kite up`. KITE_BENCH_TRACE=1: the agent
// writes its phase timestamps (src/agent/pods/trace.ts) and a breakdown of the 30 pods' start-up is
// printed, with the server's event-loop delay. KITE_BENCH_PROF=<dir>: kite server's CPU profile (bench/cpu-prof).
// KITE_BENCH_SIDE=1: no `kite up`: a `kite server` with its own pod subnet, bridge, cgroup root and
// kubelet port, so the pod figures can be taken while other kite nodes run here (tests).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { containerdPaths } from '../src/agent/containerd/paths.js';
import { WEB_IMAGE } from '../src/agent/images/builtin.js';
import { CriRuntime } from '../src/agent/runtime/cri/cri-runtime.js';
import { RestClient } from '../src/client/rest-client.js';
import { PODS } from '../src/client/resources.js';
import { importLocalImages, waitForNodeReady } from '../src/cli/up/cluster-client.js';
import { otherKiteNodes, serverLayout } from '../src/cli/up/server-process.js';
import { teardownNode } from '../src/cli/up/teardown.js';
import { containerdSkipReason, startTestContainerd } from '../test/util/containerd.js';
import { type KiteServer, freePort, startKiteServer } from '../test/util/kite-server.js';
import { criTimingsWithKiteConfigs } from './cri-kite-configs.js';
import { kite } from './kite-cli.js';
import { rawCriTimings } from './cri-raw.js';
import { type ClientTimes, breakdown, loopDelay } from './pod-trace.js';

const NS = 'default';
const QUICK = process.env.KITE_BENCH_QUICK === '1';
const TRACE = process.env.KITE_BENCH_TRACE === '1';
const PROF = process.env.KITE_BENCH_PROF;
const SIDE = process.env.KITE_BENCH_SIDE === '1';
const SIDE_NODE = { name: 'bench-pods', cidr: '10.49.251.0/24', bridge: 'kbench0', cgroupRoot: '/kite-bench' };
const SEQUENTIAL = 30;
const BURST = QUICK ? 20 : 100;
const epochMs = (): number => performance.timeOrigin + performance.now();

const percentile = (samples: number[], p: number): number => {
  const s = [...samples].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] as number) : NaN;
};
const ms = (v: number): string => `${v.toFixed(0)} ms`;
const sec = (v: number): string => `${(v / 1000).toFixed(2)} s`;


function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

function benchPod(name: string): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: NS, labels: { app: 'bench-pods' } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'web', image: WEB_IMAGE, imagePullPolicy: 'IfNotPresent' }],
    },
  };
}

/** One watch on the bench pods: resolves waiters when a pod is first seen Running, or deleted. */
async function podWatch(client: RestClient): Promise<{ running(name: string): Promise<number>; gone(name: string): Promise<number>; stop(): void }> {
  const list = await client.list<Pod>(PODS, NS, { labelSelector: 'app=bench-pods' });
  const runningAt = new Map<string, number>();
  const goneAt = new Map<string, number>();
  const waiters = new Map<string, (t: number) => void>();
  const settle = (key: string, t: number): void => {
    waiters.get(key)?.(t);
    waiters.delete(key);
  };
  const watch = await client.watch<Pod>(PODS, NS, {
    labelSelector: 'app=bench-pods', resourceVersion: list.metadata.resourceVersion,
    onEvent: (ev) => {
      if (ev.type === 'ERROR' || ev.type === 'BOOKMARK') return;
      const pod = ev.object as Pod;
      const name = pod.metadata?.name ?? '';
      const now = performance.now();
      if (ev.type === 'DELETED') {
        goneAt.set(name, now);
        settle(`gone/${name}`, now);
      } else if (pod.status?.phase === 'Running' && !runningAt.has(name)) {
        runningAt.set(name, now);
        settle(`running/${name}`, now);
      }
    },
  });
  const wait = (seen: Map<string, number>, kind: string) => (name: string): Promise<number> => {
    const t = seen.get(name);
    if (t !== undefined) return Promise.resolve(t);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pod ${name}: not ${kind} within 120 s`)), 120_000);
      waiters.set(`${kind}/${name}`, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  };
  return { running: wait(runningAt, 'running'), gone: wait(goneAt, 'gone'), stop: () => watch.stop() };
}

/** Waits until kite's containerd runs only `keep` sandboxes (the demo's), then one housekeeping round. */
async function settleNode(agentDir: string, keep: number): Promise<void> {
  const runtime = new CriRuntime({ endpoint: `unix://${containerdPaths(agentDir).socket}` });
  try {
    const deadline = Date.now() + 60_000;
    while ((await runtime.listPodSandbox()).length > keep && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  } finally {
    runtime.close();
  }
  await new Promise((r) => setTimeout(r, 2500));
}

async function main(): Promise<void> {
  const skip = containerdSkipReason() ?? (!SIDE && otherKiteNodes('').length ? `another kite node runs here (${otherKiteNodes('').join(', ')})` : undefined);
  if (skip) {
    console.log(`bench:pods skipped: ${skip}`);
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'kite-bench-pods-'));
  const dataDir = join(root, 'server');
  const traceFile = join(root, 'pod-trace.jsonl');
  const env: Record<string, string> = { HOME: root, KITE_LOG_LEVEL: 'warn' };
  if (TRACE) env.KITE_POD_TRACE = traceFile;
  if (PROF) Object.assign(env, { KITE_BENCH_PROF: PROF, NODE_OPTIONS: `--import=${fileURLToPath(new URL('./cpu-prof.js', import.meta.url))}` });
  const port = await freePort();
  const upArgs = ['up', '--data-dir', dataDir, '--https-port', String(port)];
  const fromOutput = (out: string): number => {
    const m = /kite is up: ([\d.]+) (ms|s) from start/.exec(out);
    return m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : NaN;
  };
  let client: RestClient | undefined;
  let side: KiteServer | undefined;
  try {
    // 1. kite up, cold.
    let cold = { code: 0, out: '', ms: NaN };
    if (SIDE) {
      side = await startKiteServer({
        dataDir, port, agent: true, env,
        args: ['--node-name', SIDE_NODE.name, '--pod-cidr', SIDE_NODE.cidr, '--pod-bridge', SIDE_NODE.bridge, '--cgroup-root', SIDE_NODE.cgroupRoot, '--kubelet-port', String(await freePort())],
      });
      await importLocalImages(serverLayout(dataDir), 60_000, ['web']);
      client = await RestClient.fromKubeconfig(join(dataDir, 'kubeconfig.yaml'));
      await waitForNodeReady(client, SIDE_NODE.name, 60_000);
    } else {
      cold = await kite(upArgs, env);
      if (cold.code !== 0) throw new Error(`kite up failed:\n${cold.out}`);
      client = await RestClient.fromKubeconfig(join(dataDir, 'kubeconfig.yaml'));
    }

    // 2. Idle RSS, with the demo's 2 pods running.
    await new Promise((r) => setTimeout(r, 5000));
    const serverPid = side?.process.pid ?? Number(readFileSync(join(dataDir, 'kite-server.pid'), 'utf8'));
    const containerdPid = Number(readFileSync(join(dataDir, 'agent', 'containerd', 'containerd.pid'), 'utf8'));
    const rss = { server: rssMb(serverPid), containerd: rssMb(containerdPid) };

    // 3a. Raw CRI on a separate containerd, same machine, same run.
    const c = await startTestContainerd({ images: ['web'] });
    let raw;
    let rawKite;
    try {
      raw = await rawCriTimings(c, SEQUENTIAL);
      rawKite = await criTimingsWithKiteConfigs(c, SEQUENTIAL, benchPod('raw-kite'));
    } finally {
      await c.stop();
    }

    // 3b. Through kite, one pod after another.
    const watch = await podWatch(client);
    const startup: number[] = [];
    const times: ClientTimes[] = [];
    const uidOf = new Map<string, string>();
    for (let i = 0; i < SEQUENTIAL; i++) {
      const name = `seq-${i}`;
      const t0 = performance.now();
      const sent = epochMs();
      const made = await client.create<Pod>(PODS, NS, benchPod(name));
      const answered = epochMs();
      uidOf.set(name, made.metadata?.uid ?? '');
      const running = await watch.running(name);
      startup.push(running - t0);
      times.push({ name, sent, answered, running: performance.timeOrigin + running });
    }
    await client.deleteCollection(PODS, NS, { labelSelector: 'app=bench-pods' });
    await Promise.all(Array.from({ length: SEQUENTIAL }, (_, i) => watch.gone(`seq-${i}`)));
    // The agent tears sandboxes and cgroups down after the API forgot the pods: let it finish first.
    await settleNode(join(dataDir, 'agent'), SIDE ? 0 : 2);

    // 4. A burst of 100 pods.
    const names = Array.from({ length: BURST }, (_, i) => `burst-${i}`);
    let t0 = performance.now();
    const burstFrom = epochMs();
    await Promise.all(names.map((n) => client!.create(PODS, NS, benchPod(n))));
    const created = performance.now() - t0;
    const allRunning = Math.max(...(await Promise.all(names.map((n) => watch.running(n))))) - t0;
    const burstLag = loopDelay(traceFile, burstFrom, epochMs());
    const rssLoaded = { server: rssMb(serverPid), containerd: rssMb(containerdPid) };
    t0 = performance.now();
    await client.deleteCollection(PODS, NS, { labelSelector: 'app=bench-pods' });
    const allGone = Math.max(...(await Promise.all(names.map((n) => watch.gone(n))))) - t0;
    watch.stop();
    client.close();
    client = undefined;

    // 1b. kite up again after kite down (data kept: no PKI, images present).
    let warm = { code: 0, out: '', ms: NaN };
    if (!QUICK && !SIDE) {
      const down = await kite(['down', '--data-dir', dataDir], env);
      if (down.code !== 0) throw new Error(`kite down failed:\n${down.out}`);
      warm = await kite(upArgs, env);
      if (warm.code !== 0) throw new Error(`kite up (again) failed:\n${warm.out}`);
    }

    const rawP50 = raw.runPodSandbox.median + raw.createAndStart.median;
    const rawMax = raw.runPodSandbox.max + raw.createAndStart.max;
    const p50 = percentile(startup, 50);
    const p99 = percentile(startup, 99);
    console.log('bench:pods — one node, kite server with its embedded agent, containerd, image present\n');
    if (!SIDE) console.log('kite up to the demo answering (packages already installed; goal <= 3 s; k3d 19.9 s, kind 33 s, minikube 50.8 s)');
    if (!SIDE) console.log(`  fresh data dir:   ${sec(cold.ms)} whole command (${sec(fromOutput(cold.out))} from server start)`);
    if (!QUICK && !SIDE) console.log(`  after kite down:  ${sec(warm.ms)} whole command (${sec(fromOutput(warm.out))} from server start)`);
    console.log(`idle RSS (goal: server + agent <= 150 MB): kite server ${rss.server.toFixed(0)} MB; containerd ${rss.containerd.toFixed(0)} MB (apart)`);
    console.log(`  with ${BURST} pods running: kite server ${rssLoaded.server.toFixed(0)} MB; containerd ${rssLoaded.containerd.toFixed(0)} MB`);
    console.log(`pod create -> Running (watch), ${SEQUENTIAL} pods one after another (goal p99 <= 1 s and <= 1.5x raw)`);
    console.log(`  kite:    p50 ${ms(p50)}  p99 ${ms(p99)}  min ${ms(Math.min(...startup))}`);
    console.log(`  raw CRI: p50 ${ms(rawP50)} (RunPodSandbox ${ms(raw.runPodSandbox.median)} + Create+Start ${ms(raw.createAndStart.median)}), max ${ms(rawMax)}`);
    console.log(`  ratio:   p50 ${(p50 / rawP50).toFixed(2)}x  p99/raw max ${(p99 / rawMax).toFixed(2)}x`);
    const kiteConfP50 = rawKite.runPodSandbox.median + rawKite.createAndStart.median;
    console.log(`  raw CRI with kite's sandbox/container configs: p50 ${ms(kiteConfP50)} (RunPodSandbox ${ms(rawKite.runPodSandbox.median)} + Create+Start ${ms(rawKite.createAndStart.median)}), max ${ms(rawKite.runPodSandbox.max + rawKite.createAndStart.max)}`);
    console.log(`${BURST} pods at once on one node: creates accepted in ${ms(created)}; all Running after ${sec(allRunning)}; all gone ${sec(allGone)} after delete`);
    console.log(`  raw CRI floor, ${BURST} pods one after another (${BURST} x raw p50): ${sec(BURST * rawP50)}; ratio ${(allRunning / (BURST * rawP50)).toFixed(2)}x`);
    if (TRACE) {
      console.log(`\nwhere a pod's start-up goes (ms; ${SEQUENTIAL} pods one after another; agent phases from KITE_POD_TRACE):`);
      for (const line of breakdown(traceFile, times, uidOf)) console.log(line);
      console.log(`kite server event-loop delay during the ${BURST}-pod burst: max ${ms(burstLag.max)}, worst 500 ms p99 ${ms(burstLag.p99)}`);
    }
  } finally {
    client?.close();
    if (side) {
      await side.stop({ cleanup: false });
      const report = await teardownNode(join(dataDir, 'agent'), { cgroupRoot: SIDE_NODE.cgroupRoot, bridge: SIDE_NODE.bridge });
      if (report.errors.length) console.error(`teardown: ${report.errors.join('; ')}`);
    } else {
      const purge = await kite(['down', '--purge', '--data-dir', dataDir], env);
      if (purge.code !== 0) console.error(`kite down --purge: ${purge.out}`);
    }
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
