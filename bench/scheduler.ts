// bench/scheduler: the whole control plane through the API. A real `kite server` (scheduler and
// controllers inside) and `kite sim-nodes` as child processes:
//   A. 10,000 pods onto 500 simulated nodes: pods scheduled per second, next to the rate the
//      same API accepted the pod creates in this run (the scheduler cannot outrun its input).
//   B. a 1,000-replica Deployment on 100 simulated nodes: time until all replicas are available.
// Prints figures and ratios; never fails on noise.  npm run bench:scheduler  (KITE_BENCH_QUICK=1: 1/10 size)
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { RestClient } from '../src/client/rest-client.js';
import { DEPLOYMENTS, NAMESPACES, NODES, PODS } from '../src/client/resources.js';
import type { ApiObject } from '../src/client/types.js';
import { KITE_BIN, type KiteServer, startKiteServer } from '../test/util/kite-server.js';

const quick = process.env.KITE_BENCH_QUICK === '1';
const PODS_A = quick ? 1_000 : 10_000;
const NODES_A = quick ? 50 : 500;
const REPLICAS_B = quick ? 100 : 1_000;
const NODES_B = quick ? 10 : 100;

interface PodLike extends ApiObject {
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

function startSimNodes(kite: KiteServer, count: number): ChildProcess {
  const child = spawn(process.execPath, [KITE_BIN, 'sim-nodes', '--count', String(count), '--kubeconfig', kite.kubeconfig], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, KITE_LOG_LEVEL: 'warn' },
  });
  return child;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function readyNodes(client: RestClient): Promise<number> {
  const nodes = await client.list<ApiObject & { status?: { conditions?: { type: string; status: string }[] } }>(NODES, undefined);
  return nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN') / 1024;
}

const pod = (i: number): PodLike => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `p-${i}`, labels: { app: 'bench' } },
  spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } as PodLike['spec'],
});

async function phaseA(): Promise<void> {
  const kite = await startKiteServer();
  const client = await RestClient.fromKubeconfig(kite.kubeconfig, { maxSockets: 128 });
  const sim = startSimNodes(kite, NODES_A);
  try {
    await waitFor(`${NODES_A} Ready nodes`, async () => (await readyNodes(client)) >= NODES_A, 120_000);
    await client.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });

    // Count bindings from a watch: the first time a pod is seen with spec.nodeName.
    const bound = new Set<string>();
    let firstBind = 0;
    let lastBind = 0;
    const allBound = new Promise<void>((resolve) => {
      void client.watch<PodLike>(PODS, 'bench', {
        onEvent: (ev) => {
          if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') return;
          const p = ev.object as PodLike;
          if (!p.spec?.nodeName || bound.has(p.metadata?.name ?? '')) return;
          bound.add(p.metadata?.name ?? '');
          const now = performance.now();
          if (bound.size === 1) firstBind = now;
          lastBind = now;
          if (bound.size === PODS_A) resolve();
        },
      });
    });

    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < PODS_A) await client.create(PODS, 'bench', pod(next++));
      }),
    );
    const created = performance.now();
    await Promise.race([allBound, new Promise((r) => setTimeout(r, 600_000))]);
    const end = performance.now();

    const createRate = PODS_A / ((created - t0) / 1000);
    const endToEnd = bound.size / ((end - t0) / 1000);
    const bindRate = bound.size / ((lastBind - firstBind) / 1000 || 1);
    console.log(`\n== A. ${PODS_A} pods onto ${NODES_A} simulated nodes`);
    console.log(`pods created through the API: ${createRate.toFixed(0)}/s (64 clients): the input rate, measured in this run`);
    console.log(`pods scheduled (first to last binding): ${bindRate.toFixed(0)}/s; end to end (first create to last binding): ${endToEnd.toFixed(0)}/s`);
    console.log(`scheduled / created ratio: ${(endToEnd / createRate).toFixed(2)} (1.00 = the scheduler keeps up with the API)`);
    console.log(`bound: ${bound.size}/${PODS_A}; anchors: Kubernetes CI threshold 100 pods/s, scheduler_perf 500 nodes ~790-910 pods/s; goal >= 2,000 pods/s`);
    console.log(`kite server RSS after A: ${(await rssMb(kite.process.pid!)).toFixed(0)} MB`);
  } finally {
    sim.kill('SIGTERM');
    await kite.stop();
  }
}

async function phaseB(): Promise<void> {
  const kite = await startKiteServer();
  const client = await RestClient.fromKubeconfig(kite.kubeconfig);
  const sim = startSimNodes(kite, NODES_B);
  try {
    await waitFor(`${NODES_B} Ready nodes`, async () => (await readyNodes(client)) >= NODES_B, 60_000);
    const t0 = performance.now();
    await client.create(DEPLOYMENTS, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'big' },
      spec: {
        replicas: REPLICAS_B,
        selector: { matchLabels: { app: 'big' } },
        template: { metadata: { labels: { app: 'big' } }, spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '10m' } } }] } },
      },
    } as ApiObject);
    await waitFor(
      `${REPLICAS_B} available replicas`,
      async () => ((await client.get<ApiObject & { status?: { availableReplicas?: number } }>(DEPLOYMENTS, 'default', 'big')).status?.availableReplicas ?? 0) >= REPLICAS_B,
      600_000,
    );
    const seconds = (performance.now() - t0) / 1000;
    const running = (await client.list<PodLike>(PODS, 'default', { labelSelector: 'app=big' })).items.filter((p) => p.status?.phase === 'Running').length;
    console.log(`\n== B. Deployment of ${REPLICAS_B} replicas on ${NODES_B} simulated nodes`);
    console.log(`time to ${running} Running and all available: ${seconds.toFixed(1)} s (${(REPLICAS_B / seconds).toFixed(0)} pods/s)`);
    console.log(`kite server RSS after B: ${(await rssMb(kite.process.pid!)).toFixed(0)} MB`);
  } finally {
    sim.kill('SIGTERM');
    await kite.stop();
  }
}

async function main(): Promise<void> {
  console.log(`bench/scheduler${quick ? ' (quick: 1/10 size)' : ''}`);
  await phaseA();
  await phaseB();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
