/// <reference types="node" />
// Scheduler core benchmark (no API server): 10,000 pods onto 500 nodes through filter + score +
// assume, exactly the synchronous part of each scheduling cycle. Kite's configuration (adaptive
// percentageOfNodesToScore, 230 of 500 nodes per pod) against a naive baseline in the same run
// that filters and scores every node for every pod.
//   npx tsc -p . && node dist/bench/scheduler-core.js      (KITE_BENCH_REPS=3)
// Prints figures only; exits 0 whatever the numbers are.
import { performance } from 'node:perf_hooks';
import { FitError } from '../src/scheduler/fit-error.js';
import { Snapshot } from '../src/scheduler/framework.js';
import { newPodInfo } from '../src/scheduler/pod-info.js';
import { defaultProfile } from '../src/scheduler/plugins/index.js';
import { ScheduleAlgorithm } from '../src/scheduler/schedule-one.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import type { SchedulerIO } from '../src/scheduler/scheduler-io.js';
import { makeNode, makePod } from '../src/scheduler/testing.js';
import type { Node, Pod } from '../src/scheduler/types.js';

const NODES = Number(process.env.KITE_BENCH_NODES ?? 500);
const PODS = Number(process.env.KITE_BENCH_PODS ?? 10_000);
const REPS = Math.max(1, Number(process.env.KITE_BENCH_REPS ?? 3));
const GOAL = 2_000;

function cluster(): Node[] {
  const nodes: Node[] = [];
  for (let i = 0; i < NODES; i++) {
    const labels: Record<string, string> = { 'topology.kubernetes.io/zone': `zone-${i % 3}`, disk: i % 4 === 0 ? 'ssd' : 'hdd' };
    const taints = i < 3 ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : undefined;
    nodes.push(makeNode(`node-${i}`, { cpu: '16', memory: '64Gi', pods: '110', labels, ...(taints ? { taints } : {}) }));
  }
  return nodes;
}

/** 100 ReplicaSets of 100 replicas; every 10th set selects ssd nodes, every 25th uses a host port. */
function workload(): Pod[] {
  const pods: Pod[] = [];
  const sets = 100;
  for (let i = 0; i < PODS; i++) {
    const set = i % sets;
    pods.push(
      makePod(`web-${set}-${i}`, {
        cpu: set % 2 === 0 ? '100m' : '250m',
        memory: set % 3 === 0 ? '128Mi' : '256Mi',
        owner: { name: `web-${set}`, uid: `rs-${set}` },
        ...(set % 10 === 0 ? { nodeSelector: { disk: 'ssd' } } : {}),
        ...(set % 25 === 1 ? { hostPorts: [9000 + set] } : {}),
      }),
    );
  }
  return pods;
}

interface Run {
  seconds: number;
  perSecond: number;
  scheduled: number;
  failed: number;
  maxPerNode: number;
  minPerNode: number;
  overcommitted: number;
}

function run(nodes: Node[], pods: Pod[], percentageOfNodesToScore: number): Run {
  const snapshot = new Snapshot();
  for (const n of nodes) snapshot.setNode(n);
  let seed = 42;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const alg = new ScheduleAlgorithm(defaultProfile(), { percentageOfNodesToScore, random });
  let scheduled = 0;
  let failed = 0;
  const t0 = performance.now();
  for (const pod of pods) {
    const info = newPodInfo(pod);
    const r = alg.schedule(info, snapshot);
    if (r instanceof FitError) failed++;
    else {
      snapshot.assume(info, r.nodeName);
      scheduled++;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  let maxPerNode = 0;
  let minPerNode = Infinity;
  let overcommitted = 0;
  for (const n of snapshot.list()) {
    if (!n.hardTaints.length) {
      maxPerNode = Math.max(maxPerNode, n.podCount);
      minPerNode = Math.min(minPerNode, n.podCount);
    }
    if (n.requestedMilliCPU > n.allocatableMilliCPU || n.requestedMemory > n.allocatableMemory || n.podCount > n.allowedPodNumber) overcommitted++;
  }
  return { seconds, perSecond: scheduled / seconds, scheduled, failed, maxPerNode, minPerNode, overcommitted };
}

/** The whole Scheduler (queue, cycle, assume, binding promise, events) with an API that answers at once. */
async function runLoop(nodes: Node[], pods: Pod[]): Promise<{ perSecond: number; scheduled: number }> {
  let bound = 0;
  let allBound!: () => void;
  const finished = new Promise<void>((r) => (allBound = r));
  const io: SchedulerIO = {
    bind: async () => {
      if (++bound === pods.length) allBound();
    },
    setPodScheduledFalse: async () => undefined,
    event: () => undefined,
  };
  const scheduler = new Scheduler({ io });
  for (const n of nodes) scheduler.onNodeAdd(n);
  const ac = new AbortController();
  const t0 = performance.now();
  for (const p of pods) scheduler.onPodAdd(p);
  const running = scheduler.run(ac.signal);
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  ac.abort();
  await running;
  return { perSecond: scheduler.stats.scheduled / seconds, scheduled: scheduler.stats.scheduled };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const nodes = cluster();
  const pods = workload();
  console.log(`scheduler core: ${PODS} pods onto ${NODES} nodes (filter + score + assume), ${REPS} reps, node ${process.version}`);
  run(nodes, pods.slice(0, 2000), 0); // warm-up (JIT)
  const kite: Run[] = [];
  const naive: Run[] = [];
  for (let r = 0; r < REPS; r++) {
    kite.push(run(nodes, pods, 0));
    naive.push(run(nodes, pods, 100));
  }
  const show = (name: string, runs: Run[]): number => {
    const rate = median(runs.map((x) => x.perSecond));
    const last = runs[runs.length - 1]!;
    console.log(
      `${name.padEnd(34)} ${rate.toFixed(0).padStart(7)} pods/s  (${(1e6 / rate).toFixed(0)} us/pod; scheduled ${last.scheduled}, failed ${last.failed}, ` +
        `pods per node ${last.minPerNode}..${last.maxPerNode}, over-committed nodes ${last.overcommitted})`,
    );
    return rate;
  };
  const k = show('kite (adaptive: 230 of 500 nodes)', kite);
  const b = show('naive baseline (all 500 nodes)', naive);
  console.log(`ratio kite / baseline: ${(k / b).toFixed(2)}x; goal >= ${GOAL} pods/s: ${k >= GOAL ? 'met' : 'NOT met'}`);
  const loops: number[] = [];
  let loopScheduled = 0;
  for (let r = 0; r < REPS; r++) {
    const loop = await runLoop(nodes, pods);
    loops.push(loop.perSecond);
    loopScheduled = loop.scheduled;
  }
  const loopRate = median(loops);
  console.log(
    `${'full loop (queue + cycle + bind call)'.padEnd(34)} ${loopRate.toFixed(0).padStart(7)} pods/s  (${(1e6 / loopRate).toFixed(0)} us/pod; scheduled ${loopScheduled}; API answers at once)`,
  );
}

await main();
