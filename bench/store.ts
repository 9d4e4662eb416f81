/// <reference types="node" />
// Store benchmark: kite's SQLite and etcd backends against each other and against the raw engines,
// all measured in the same run (machines vary; ratios within one run are what compare).
//   npm run bench:store            (KITE_BENCH_SECONDS=3 per write phase by default)
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
const VALUE = randomBytes(1024);
const LIST_KEYS = 10_000;
const GOAL_WRITES = 5_000;
const GOAL_WATCH_P99_MS = 5;

interface WriteRun { ops: number; errors: number; perSecond: number; p50: number; p99: number }
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
  onIssue?: (key: string) => void): Promise<WriteRun> {
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
  const elapsed = (performance.now() - start) / 1000;
  const sorted = sortNum(latencies);
  return { ops: latencies.length, errors, perSecond: latencies.length / elapsed, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
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
async function measureWatch(t: BenchTarget, writers: number, seconds: number): Promise<WatchRun> {
  if (!t.watch) throw new Error('no watch');
  const prefix = `/bench/watch${writers}/`;
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
  const sorted = sortNum(latencies);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), lost: issued.size };
}

async function measure(t: BenchTarget): Promise<Result> {
  const r: Result = { notes: [] };
  const step = async (what: string, fn: () => Promise<void>): Promise<void> => {
    process.stderr.write(`  ${t.name}: ${what}...\n`);
    try {
      await fn();
    } catch (err) {
      r.notes.push(`${what} failed: ${String(err)}`);
    }
  };
  await step('1 writer', async () => { r.w1 = await runWriters(t, 1, SECONDS, '/bench/w1/'); });
  await step('64 writers', async () => { r.w64 = await runWriters(t, 64, SECONDS, '/bench/w64/'); });
  await step(`list ${LIST_KEYS} keys`, async () => { r.listMs = await measureList(t, r.notes); });
  if (t.watch) {
    await step('watch, 1 writer', async () => { r.watch1 = await measureWatch(t, 1, Math.min(SECONDS, 2)); });
    await step('watch, 64 writers', async () => { r.watch64 = await measureWatch(t, 64, Math.min(SECONDS, 2)); });
  }
  for (const run of [r.w1, r.w64]) if (run?.errors) r.notes.push(`${run.errors} writes failed`);
  for (const run of [r.watch1, r.watch64]) if (run?.lost) r.notes.push(`${run.lost} watch events never arrived`);
  return r;
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
  const results = new Map<string, Result>();
  let etcd: RunningEtcd | undefined;
  console.log(`Store benchmark: ${SECONDS} s per write phase, 1 KB values, data under ${dir}`);
  try {
    const targets: (() => Promise<BenchTarget>)[] = [
      async () => kiteTarget('kite-sqlite', await openStore({ endpoint: `sqlite://${join(dir, 'kite.db')}` })),
      async () => rawSqliteTarget(join(dir, 'raw.db')),
    ];
    try {
      mkdirSync(join(dir, 'etcd'));
      etcd = await startEtcd({ dataDir: join(dir, 'etcd') });
      const endpoint = etcd.endpoint;
      targets.push(
        async () => kiteTarget('kite-etcd', await openStore({ endpoint, prefix: '/kite-bench' })),
        async () => rawEtcdTarget(endpoint),
      );
    } catch (err) {
      console.log(`etcd not measured: ${String(err)}`);
    }
    for (const open of targets) {
      let target: BenchTarget | undefined;
      try {
        target = await open();
        results.set(target.name, await measure(target));
      } catch (err) {
        console.log(`a target failed to open: ${String(err)}`);
      } finally {
        await target?.close().catch(() => undefined);
      }
    }
    console.log('');
    printTable(results);
    printGoals(results);
    const notes = [...results].flatMap(([name, r]) => r.notes.map((n) => `  ${name}: ${n}`));
    if (notes.length > 0) console.log(`\nNotes:\n${notes.join('\n')}`);
  } finally {
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
