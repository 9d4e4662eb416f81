/// <reference types="node" />
// Store benchmark: kite's SQLite and etcd backends against each other and against the raw engines,
// all measured in the same run (machines vary; ratios within one run are what compare).
//   npm run bench:store     (KITE_BENCH_SECONDS=3 per write phase, KITE_BENCH_REPS=2 repetitions)
// Prints figures only; exits 0 whatever the numbers are (benchmarks never fail on noise).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../src/storage/open-store.js';
import { startEtcd, type RunningEtcd } from '../test/util/etcd.js';
import { kiteTarget, rawEtcdTarget, rawSqliteTarget, type BenchTarget } from './store-targets.js';

const SECONDS = Number(process.env.KITE_BENCH_SECONDS ?? 3);
const REPS = Math.max(1, Number(process.env.KITE_BENCH_REPS ?? 2));
const VALUE = randomBytes(1024);
const LIST_KEYS = 10_000;
const GOAL_WRITES = 5_000;
const GOAL_WATCH_P99_MS = 5;

interface WriteSample { latencies: number[]; errors: number; seconds: number }
interface WriteRun { ops: number; errors: number; perSecond: number; p50: number; p99: number }
interface WatchSample { latencies: number[]; lost: number }
interface WatchRun { p50: number; p99: number; lost: number }
interface Result {
  w1?: WriteRun;
  w64?: WriteRun;
  listMs?: number;
  watch1?: WatchRun;
  watch64?: WatchRun;
  notes: string[];
}

const percentile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const sortNum = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

/** `writers` concurrent loops each writing new 1 KB keys until the time is up. */
async function runWriters(t: BenchTarget, writers: number, seconds: number, prefix: string,
  onIssue?: (key: string) => void): Promise<WriteSample> {
  const latencies: number[] = [];
  let errors = 0;
  let seq = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const key = `${prefix}${String(seq++).padStart(8, '0')}`;
      onIssue?.(key);
      const t0 = performance.now();
      try {
        await t.write(key, VALUE);
        latencies.push(performance.now() - t0);
      } catch (err) {
        if (errors++ === 0) console.error(`  [${t.name}] write failed: ${String(err)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, loop));
  return { latencies, errors, seconds: (performance.now() - start) / 1000 };
}

/** Pools the repetitions of one phase: total writes over total time, percentiles over all samples. */
function summariseWrites(samples: WriteSample[]): WriteRun {
  const sorted = sortNum(samples.flatMap((s) => s.latencies));
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  const errors = samples.reduce((sum, s) => sum + s.errors, 0);
  return { ops: sorted.length, errors, perSecond: sorted.length / seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

function summariseWatch(samples: WatchSample[]): WatchRun {
  const sorted = sortNum(samples.flatMap((s) => s.latencies));
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), lost: samples.reduce((sum, s) => sum + s.lost, 0) };
}

/** Writes LIST_KEYS keys (64 at a time), then times three full lists and keeps the median. */
async function measureList(t: BenchTarget, notes: string[]): Promise<number> {
  const prefix = '/bench/list/';
  let next = 0;
  const fill = async (): Promise<void> => {
    for (let i = next++; i < LIST_KEYS; i = next++) await t.write(`${prefix}${String(i).padStart(6, '0')}`, VALUE);
  };
  await Promise.all(Array.from({ length: 64 }, fill));
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const n = await t.list(prefix);
    times.push(performance.now() - t0);
    if (n !== LIST_KEYS) notes.push(`list returned ${n} keys, expected ${LIST_KEYS}`);
  }
  return sortNum(times)[1];
}

/** Latency from issuing a write to its watch event arriving, under `writers` concurrent writers. */
async function measureWatch(t: BenchTarget, writers: number, seconds: number, rep: number): Promise<WatchSample> {
  if (!t.watch) throw new Error('no watch');
  const prefix = `/bench/watch${writers}-${rep}/`;
  const issued = new Map<string, number>();
  const latencies: number[] = [];
  let wake: (() => void) | undefined;
  const cancel = await t.watch(prefix, (key) => {
    const at = issued.get(key);
    if (at === undefined) return;
    latencies.push(performance.now() - at);
    issued.delete(key);
    if (issued.size === 0) wake?.();
  });
  await runWriters(t, writers, seconds, prefix, (key) => issued.set(key, performance.now()));
  if (issued.size > 0) {
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, 5000).unref();
    });
  }
  cancel();
  return { latencies, lost: issued.size };
}

/**
 * Runs every phase for every target, phase by phase, REPS times with the target order reversed on
 * each repetition: load from elsewhere on the machine then hits all targets alike, not whichever
 * happened to run during it.
 */
async function measureAll(targets: BenchTarget[]): Promise<Map<string, Result>> {
  const results = new Map<string, Result>(targets.map((t) => [t.name, { notes: [] }]));
  const phase = async <S>(what: string, reps: number, only: (t: BenchTarget) => boolean,
    run: (t: BenchTarget, rep: number) => Promise<S>, store: (r: Result, samples: S[]) => void): Promise<void> => {
    const samples = new Map<string, S[]>();
    for (let rep = 0; rep < reps; rep++) {
      const order = rep % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order.filter(only)) {
        process.stderr.write(`  ${what}, ${t.name} (${rep + 1}/${reps})...\n`);
        try {
          const got = samples.get(t.name) ?? [];
          got.push(await run(t, rep));
          samples.set(t.name, got);
        } catch (err) {
          results.get(t.name)!.notes.push(`${what} failed: ${String(err)}`);
        }
      }
    }
    for (const [name, got] of samples) store(results.get(name)!, got);
  };
  const all = (): boolean => true;
  const watchable = (t: BenchTarget): boolean => t.watch !== undefined;
  const watchSeconds = Math.min(SECONDS, 2);
  await phase('1 writer', REPS, all, (t, rep) => runWriters(t, 1, SECONDS, `/bench/w1-${rep}/`),
    (r, s) => { r.w1 = summariseWrites(s); });
  await phase('64 writers', REPS, all, (t, rep) => runWriters(t, 64, SECONDS, `/bench/w64-${rep}/`),
    (r, s) => { r.w64 = summariseWrites(s); });
  await phase(`list ${LIST_KEYS} keys`, 1, all, (t) => measureList(t, results.get(t.name)!.notes),
    (r, s) => { r.listMs = s[0]; });
  await phase('watch, 1 writer', REPS, watchable, (t, rep) => measureWatch(t, 1, watchSeconds, rep),
    (r, s) => { r.watch1 = summariseWatch(s); });
  await phase('watch, 64 writers', REPS, watchable, (t, rep) => measureWatch(t, 64, watchSeconds, rep),
    (r, s) => { r.watch64 = summariseWatch(s); });
  for (const r of results.values()) {
    for (const run of [r.w1, r.w64]) if (run?.errors) r.notes.push(`${run.errors} writes failed`);
    for (const run of [r.watch1, r.watch64]) if (run?.lost) r.notes.push(`${run.lost} watch events never arrived`);
  }
  return results;
}

/** A directory on a real disk: fsync on tmpfs costs nothing and would flatter every durable write. */
function benchDir(): string {
  const TMPFS_MAGIC = 0x01021994;
  const candidates = [process.env.KITE_BENCH_DIR, tmpdir(), '/var/tmp', process.cwd()].filter((d): d is string => !!d);
  const base = candidates.find((d) => {
    try {
      return statfsSync(d).type !== TMPFS_MAGIC;
    } catch {
      return false;
    }
  }) ?? tmpdir();
  return mkdtempSync(join(base, 'kite-bench-store-'));
}

const fmt = (x: number | undefined, digits = 0): string =>
  x === undefined || Number.isNaN(x) ? '-' : x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !b || Number.isNaN(a) || Number.isNaN(b) ? '-' : `${(a / b).toFixed(2)}x`;

function printTable(results: Map<string, Result>): void {
  const cols = ['kite-sqlite', 'raw-sqlite', 'kite-etcd', 'raw-etcd'];
  const rows: [string, (r: Result) => number | undefined, number][] = [
    ['writes/s, 1 writer', (r) => r.w1?.perSecond, 0],
    ['writes/s, 64 writers', (r) => r.w64?.perSecond, 0],
    ['write p50 ms, 1 writer', (r) => r.w1?.p50, 2],
    ['write p99 ms, 1 writer', (r) => r.w1?.p99, 2],
    ['write p50 ms, 64 writers', (r) => r.w64?.p50, 2],
    ['write p99 ms, 64 writers', (r) => r.w64?.p99, 2],
    [`list ${fmt(LIST_KEYS)} keys, ms`, (r) => r.listMs, 1],
    ['watch p50 ms, 1 writer', (r) => r.watch1?.p50, 2],
    ['watch p99 ms, 1 writer', (r) => r.watch1?.p99, 2],
    ['watch p50 ms, 64 writers', (r) => r.watch64?.p50, 2],
    ['watch p99 ms, 64 writers', (r) => r.watch64?.p99, 2],
  ];
  const header = ['metric', ...cols, 'sqlite/etcd', 'kite/raw sqlite', 'kite/raw etcd'];
  const table = rows.map(([label, get, digits]) => {
    const v = (name: string): number | undefined => {
      const r = results.get(name);
      return r ? get(r) : undefined;
    };
    return [label, ...cols.map((c) => fmt(v(c), digits)),
      ratio(v('kite-sqlite'), v('kite-etcd')), ratio(v('kite-sqlite'), v('raw-sqlite')), ratio(v('kite-etcd'), v('raw-etcd'))];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table) console.log(line(row));
}

function printGoals(results: Map<string, Result>): void {
  const sqlite = results.get('kite-sqlite');
  const w64 = sqlite?.w64?.perSecond;
  const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'NOT MEASURED' : ok ? 'MET' : 'NOT MET');
  console.log(`\nGoals (1 KB values):`);
  console.log(`  kite-sqlite >= ${fmt(GOAL_WRITES)} acknowledged writes/s at 64 writers: ${verdict(w64 === undefined ? undefined : w64 >= GOAL_WRITES)} (${fmt(w64)}/s)`);
  for (const name of ['kite-sqlite', 'kite-etcd']) {
    const r = results.get(name);
    for (const [label, run] of [['1 writer', r?.watch1], ['64 writers', r?.watch64]] as const) {
      const p99 = run?.p99;
      console.log(`  ${name} watch p99 <= ${GOAL_WATCH_P99_MS} ms (write issued -> event), ${label}: ` +
        `${verdict(p99 === undefined || Number.isNaN(p99) ? undefined : p99 <= GOAL_WATCH_P99_MS)} (${fmt(p99, 2)} ms)`);
    }
  }
}

async function main(): Promise<void> {
  const dir = benchDir();
  let etcd: RunningEtcd | undefined;
  const targets: BenchTarget[] = [];
  console.log(`Store benchmark: ${SECONDS} s per write phase x ${REPS} repetitions (interleaved), 1 KB values, data under ${dir}`);
  try {
    const openers: (() => Promise<BenchTarget>)[] = [
      async () => kiteTarget('kite-sqlite', await openStore({ endpoint: `sqlite://${join(dir, 'kite.db')}` })),
      async () => rawSqliteTarget(join(dir, 'raw.db')),
    ];
    try {
      mkdirSync(join(dir, 'etcd'));
      etcd = await startEtcd({ dataDir: join(dir, 'etcd') });
      const endpoint = etcd.endpoint;
      openers.push(
        async () => kiteTarget('kite-etcd', await openStore({ endpoint, prefix: '/kite-bench' })),
        async () => rawEtcdTarget(endpoint),
      );
    } catch (err) {
      console.log(`etcd not measured: ${String(err)}`);
    }
    for (const open of openers) {
      try {
        targets.push(await open());
      } catch (err) {
        console.log(`a target failed to open: ${String(err)}`);
      }
    }
    const results = await measureAll(targets);
    console.log('');
    printTable(results);
    printGoals(results);
    const notes = [...results].flatMap(([name, r]) => r.notes.map((n) => `  ${name}: ${n}`));
    if (notes.length > 0) console.log(`\nNotes:\n${notes.join('\n')}`);
  } finally {
    for (const t of targets) await t.close().catch(() => undefined);
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error('store benchmark crashed:', err);
    process.exit(1);
  },
);
