// bench/api: the API server over HTTPS on SQLite and on etcd, each next to the raw store figure
// measured in the same run. Prints figures and ratios; never fails on noise.
//   npm run bench:api            (KITE_BENCH_QUICK=1 for a short run, KITE_BENCH_SKIP_ETCD=1 for SQLite only)
import { request, Agent } from 'node:https';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startEtcd } from '../test/util/etcd.js';
import { startKiteServer, type KiteServer } from '../test/util/kite-server.js';
import { openStore } from '../src/storage/open-store.js';
import type { Store } from '../src/storage/store.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

const quick = process.env.KITE_BENCH_QUICK === '1';
const SECONDS = quick ? 1.5 : 4;
const LIST_SIZE = quick ? 2_000 : 10_000;

interface Conn {
  agent: Agent;
  base: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

async function connect(kite: KiteServer): Promise<Conn> {
  const tls = join(kite.dataDir, 'tls');
  const [ca, cert, key] = await Promise.all([
    readFile(join(tls, 'server-ca.crt')),
    readFile(join(tls, 'client-admin.crt')),
    readFile(join(tls, 'client-admin.key')),
  ]);
  return { agent: new Agent({ keepAlive: true, maxSockets: 128, ca, cert, key }), base: kite.url, ca, cert, key };
}

function call(conn: Conn, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${conn.base}${path}`, { method, agent: conn.agent, headers: payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

const percentile = (sorted: number[], p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { payload: 'x'.repeat(900) } });

interface Throughput {
  perSecond: number;
  p50: number;
  p99: number;
}

async function createLoad(conn: Conn, prefix: string, concurrency: number): Promise<Throughput> {
  const latencies: number[] = [];
  let n = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const worker = async (w: number): Promise<void> => {
    while (performance.now() < deadline) {
      const started = performance.now();
      const r = await call(conn, 'POST', '/api/v1/namespaces/default/configmaps', configMap(`${prefix}-${w}-${n++}`));
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.body}`);
      latencies.push(performance.now() - started);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function rawStoreLoad(store: Store, concurrency: number): Promise<Throughput> {
  const latencies: number[] = [];
  let n = 0;
  const value = Buffer.from(JSON.stringify(configMap('raw')));
  const deadline = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (performance.now() < deadline) {
        const started = performance.now();
        await store.create(`/bench/raw/c${concurrency}/${w}/${n++}`, value);
        latencies.push(performance.now() - started);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function getP99(conn: Conn, name: string, count: number): Promise<number> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call(conn, 'GET', `/api/v1/namespaces/default/configmaps/${name}`);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  return percentile(latencies, 99);
}

async function fillNamespace(conn: Conn, ns: string, count: number): Promise<void> {
  await call(conn, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < count) {
        const i = next++;
        const r = await call(conn, 'POST', `/api/v1/namespaces/${ns}/configmaps`, configMap(`cm-${i}`));
        if (r.status !== 201) throw new Error(`fill failed: ${r.status} ${r.body}`);
      }
    }),
  );
}

async function listMs(conn: Conn, ns: string): Promise<{ ms: number; items: number }> {
  const started = performance.now();
  const r = await call(conn, 'GET', `/api/v1/namespaces/${ns}/configmaps`);
  const ms = performance.now() - started;
  return { ms, items: (JSON.parse(r.body) as { items: unknown[] }).items.length };
}

/** Write -> the watch event arrives: p99 over `count` writes. */
async function watchLatencyP99(conn: Conn, count: number): Promise<number> {
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  await new Promise<void>((resolve, reject) => {
    const req = request(`${conn.base}/api/v1/namespaces/default/configmaps?watch=true&labelSelector=bench%3Dwatch`, { agent: conn.agent }, (res) => {
      let buffer = '';
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const event = JSON.parse(line) as { type: string; object: { metadata: { name: string } } };
          const at = sent.get(event.object.metadata.name);
          if (event.type === 'ADDED' && at !== undefined) latencies.push(performance.now() - at);
          if (latencies.length >= count) {
            req.destroy();
            resolve();
          }
        }
      });
      void (async () => {
        for (let i = 0; i < count; i++) {
          const name = `watch-${i}`;
          sent.set(name, performance.now());
          await call(conn, 'POST', '/api/v1/namespaces/default/configmaps', { ...configMap(name), metadata: { name, labels: { bench: 'watch' } } });
        }
      })().catch(reject);
    });
    req.on('error', (err) => (latencies.length >= count ? resolve() : reject(err)));
    req.end();
  });
  latencies.sort((a, b) => a - b);
  return percentile(latencies, 99);
}

/** An open-loop mixed load (70% GET, 20% LIST of a small namespace, 10% CREATE) at a fixed rate. */
async function mixedLoad(conn: Conn, rps: number): Promise<{ p50: number; p99: number; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const total = Math.round(rps * SECONDS);
  const inflight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rps;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const roll = i % 10;
    const op =
      roll < 7
        ? call(conn, 'GET', '/api/v1/namespaces/default/configmaps/watch-0')
        : roll < 9
          ? call(conn, 'GET', '/api/v1/namespaces/kube-system/configmaps')
          : call(conn, 'POST', '/api/v1/namespaces/default/configmaps', configMap(`mixed-${i}`));
    const started = performance.now();
    inflight.push(
      op.then(
        (r) => {
          if (r.status >= 300) errors++;
          latencies.push(performance.now() - started);
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(inflight);
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN');
  return kb / 1024;
}

interface BackendReport {
  backend: string;
  raw1: Throughput;
  raw64: Throughput;
  api1: Throughput;
  api64: Throughput;
  getP99: number;
  list: { ms: number; items: number };
  watchP99: number;
  mixed: { p50: number; p99: number; errors: number };
  idleRssMb: number;
}

async function measure(backend: string, endpoint: string | undefined): Promise<BackendReport> {
  // The raw store figure: the same backend, no API server, same run.
  const rawDir = await mkdtemp(join(tmpdir(), 'kite-bench-raw-'));
  const rawStore = await openStore({ dataDir: rawDir, endpoint, prefix: '/rawbench' });
  const raw1 = await rawStoreLoad(rawStore, 1);
  const raw64 = await rawStoreLoad(rawStore, 64);
  await rawStore.close();
  await rm(rawDir, { recursive: true, force: true });

  const kite = await startKiteServer(endpoint ? { args: ['--datastore-endpoint', endpoint] } : {});
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const idleRssMb = await rssMb(kite.process.pid!);
    const conn = await connect(kite);
    const api1 = await createLoad(conn, 'c1', 1);
    const api64 = await createLoad(conn, 'c64', 64);
    await fillNamespace(conn, 'bench-list', LIST_SIZE);
    const list = await listMs(conn, 'bench-list');
    const watchP99 = await watchLatencyP99(conn, quick ? 100 : 300);
    const getP99Ms = await getP99(conn, 'watch-0', quick ? 300 : 1000);
    const mixed = await mixedLoad(conn, 200);
    conn.agent.destroy();
    return { backend, raw1, raw64, api1, api64, getP99: getP99Ms, list, watchP99, mixed, idleRssMb };
  } finally {
    await kite.stop();
  }
}

function print(r: BackendReport): void {
  console.log(`\n== ${r.backend}`);
  console.log(`creates/s, 1 client : API ${fmt(r.api1.perSecond, 0)} (p50 ${fmt(r.api1.p50, 2)} ms, p99 ${fmt(r.api1.p99, 2)} ms) | raw store ${fmt(r.raw1.perSecond, 0)} | API/raw ${fmt(r.api1.perSecond / r.raw1.perSecond, 2)}`);
  console.log(`creates/s, 64 clients: API ${fmt(r.api64.perSecond, 0)} (p50 ${fmt(r.api64.p50, 2)} ms, p99 ${fmt(r.api64.p99, 2)} ms) | raw store ${fmt(r.raw64.perSecond, 0)} | API/raw ${fmt(r.api64.perSecond / r.raw64.perSecond, 2)}`);
  console.log(`GET p99: ${fmt(r.getP99, 2)} ms`);
  console.log(`LIST ${r.list.items} ConfigMaps: ${fmt(r.list.ms, 0)} ms`);
  console.log(`watch event latency p99: ${fmt(r.watchP99, 2)} ms`);
  console.log(`mixed load 200 req/s: p50 ${fmt(r.mixed.p50, 2)} ms, p99 ${fmt(r.mixed.p99, 2)} ms, errors ${r.mixed.errors} (goal p99 <= 20 ms; anchor k3s+SQLite ~1400 ms avg)`);
  console.log(`idle RSS of kite server: ${fmt(r.idleRssMb, 0)} MB (goal <= 100 MB)`);
}

async function main(): Promise<void> {
  console.log(`bench/api: ${SECONDS} s per throughput phase, LIST of ${LIST_SIZE}${quick ? ' (quick)' : ''}`);
  const sqlite = await measure('sqlite', undefined);
  print(sqlite);
  if (process.env.KITE_BENCH_SKIP_ETCD === '1') return;
  const etcd = await startEtcd();
  try {
    const etcdReport = await measure('etcd', etcd.endpoint);
    print(etcdReport);
    console.log(`\n== sqlite/etcd ratios: creates 64 clients ${fmt(sqlite.api64.perSecond / etcdReport.api64.perSecond, 2)}x, mixed p99 ${fmt(etcdReport.mixed.p99 / sqlite.mixed.p99, 2)}x lower on sqlite`);
  } finally {
    await etcd.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
