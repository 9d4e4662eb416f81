/// <reference types="node" />
// bench/up: `kite up` cold start (fresh data dir, packages installed) to the demo answering HTTP 200,
// next to a floor measured in the same run: containerd started with kite's config until it answers
// CRI Version (what any node must wait for), and, as anchors, the published figures of other
// single-node clusters. Also `kite up` again after `kite down` (data kept). Prints each run's steps
// as `kite up` reports them. Figures, not pass/fail. Needs root, containerd, and no other kite node.
//   npm run bench:up                      (KITE_BENCH_RUNS=N: N cold starts, default 3)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cleanupLeftovers, knownIds, removeBridge } from '../src/agent/containerd/cleanup.js';
import { ContainerdSupervisor } from '../src/agent/containerd/supervisor.js';
import { otherKiteNodes } from '../src/cli/up/server-process.js';
import { containerdSkipReason } from '../test/util/containerd.js';
import { freePort } from '../test/util/kite-server.js';
import { kite } from './kite-cli.js';

const RUNS = Number(process.env.KITE_BENCH_RUNS ?? 3);
/** Cold start to a working cluster of other tools on a comparable VM (published and measured elsewhere; not re-run here). */
const ANCHORS = 'k3d 19.9 s, kind 33 s, minikube 50.8 s';

interface Run { ms: number; fromServerStart: number; steps: string[] }


const parseUp = (out: string, ms: number): Run => {
  const m = /kite is up: ([\d.]+) (ms|s) from start/.exec(out);
  return {
    ms,
    fromServerStart: m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : NaN,
    steps: out.split('\n').filter((l) => /^\s+[✓✗] /.test(l)).map((l) => l.trim()),
  };
};

/** containerd with kite's config, from spawn until CRI Version answers (the supervisor's own start). */
async function containerdFloor(): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kite-bench-up-ctrd-'));
  const opts = { dataDir, bridgeName: 'kbenchup0', podCidr: '10.49.252.0/24', networkName: 'kite-bench-up' };
  const supervisor = new ContainerdSupervisor(opts);
  try {
    const t0 = performance.now();
    await supervisor.start();
    return performance.now() - t0;
  } finally {
    const ids = await knownIds(supervisor.paths).catch(() => [] as string[]);
    await supervisor.stop();
    await cleanupLeftovers({ paths: supervisor.paths, ids, networkName: opts.networkName }).catch(() => undefined);
    await removeBridge(opts.bridgeName).catch(() => false);
    await rm(dataDir, { recursive: true, force: true });
  }
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
const sec = (v: number): string => `${(v / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const skip = containerdSkipReason() ?? (otherKiteNodes('').length ? `another kite node runs here (${otherKiteNodes('').join(', ')})` : undefined);
  if (skip) {
    console.log(`bench:up skipped: ${skip}`);
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'kite-bench-up-'));
  const env = { HOME: root, KITE_LOG_LEVEL: 'warn' };
  const floors: number[] = [];
  const cold: Run[] = [];
  let warm: Run | undefined;
  try {
    for (let i = 0; i < RUNS; i++) {
      floors.push(await containerdFloor());
      const dataDir = join(root, `server-${i}`);
      const upArgs = ['up', '--data-dir', dataDir, '--https-port', String(await freePort())];
      try {
        const up = await kite(upArgs, env);
        if (up.code !== 0) throw new Error(`kite up failed:\n${up.out}`);
        cold.push(parseUp(up.out, up.ms));
        if (i === RUNS - 1) {
          const down = await kite(['down', '--data-dir', dataDir], env);
          if (down.code !== 0) throw new Error(`kite down failed:\n${down.out}`);
          const again = await kite(upArgs, env);
          if (again.code !== 0) throw new Error(`kite up (again) failed:\n${again.out}`);
          warm = parseUp(again.out, again.ms);
        }
      } finally {
        const purge = await kite(['down', '--purge', '--data-dir', dataDir], env);
        if (purge.code !== 0) console.error(`kite down --purge: ${purge.out}`);
      }
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const whole = cold.map((r) => r.ms);
  const fromStart = cold.map((r) => r.fromServerStart);
  console.log(`bench:up — kite up to the demo answering HTTP 200, packages installed (goal <= 3 s), ${RUNS} cold runs\n`);
  console.log(`  kite up, fresh data dir:  median ${sec(median(whole))} whole command (min ${sec(Math.min(...whole))}, max ${sec(Math.max(...whole))}); ${sec(median(fromStart))} from server start`);
  if (warm) console.log(`  kite up after kite down:  ${sec(warm.ms)} whole command; ${sec(warm.fromServerStart)} from server start`);
  console.log(`  floor, same run: containerd (kite's config) spawn -> CRI Version answers: median ${sec(median(floors))} (min ${sec(Math.min(...floors))}, max ${sec(Math.max(...floors))})`);
  console.log(`  ratio: ${(median(whole) / median(floors)).toFixed(1)}x the containerd floor`);
  console.log(`  anchors (not measured here): ${ANCHORS}`);
  const last = cold[cold.length - 1];
  if (last) console.log(`\nsteps of the last cold run, as kite up reports them:\n${last.steps.map((s) => `  ${s}`).join('\n')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
