/// <reference types="node" />
// The watch cache against its baseline, the store it sits on (what the apiserver would do without
// a cache: ask the store and decode every value per request). Figures, not pass/fail.
//   npx tsc -p . && node dist/bench/cacher.js [objects=10000] [watchers=100] [updates=1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Cacher } from '../src/storage/cacher/cacher.js';
import { MemoryStore } from '../src/storage/memory/memory-store.js';
import { openSqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { KeyValue, Store } from '../src/storage/store.js';

const OBJECTS = Number(process.argv[2] ?? 10_000);
const WATCHERS = Number(process.argv[3] ?? 100);
const UPDATES = Number(process.argv[4] ?? 1_000);
const PREFIX = '/registry/pods/';

interface Pod {
  metadata: { name: string; namespace: string; resourceVersion?: string; labels: Record<string, string>; uid: string };
  spec: unknown;
  status: unknown;
}

const decode = (kv: KeyValue): Pod => {
  const pod = JSON.parse(Buffer.from(kv.value).toString('utf8')) as Pod;
  pod.metadata.resourceVersion = String(kv.modRevision);
  return pod;
};

/** A pod of ~1.3 KB of JSON, shaped like a real one. */
function podValue(i: number, generation = 0): Uint8Array {
  const name = `web-${String(i).padStart(5, '0')}`;
  return Buffer.from(JSON.stringify({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: `ns-${i % 20}`, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, labels: { app: 'web', shard: String(i % 10) }, creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { nodeName: `node-${i % 50}`, containers: [{ name: 'web', image: 'registry.example/web:1.2.3', ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } }, env: [{ name: 'MODE', value: 'production' }, { name: 'GENERATION', value: String(generation) }] }], restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', serviceAccountName: 'default' },
    status: { phase: 'Running', podIP: `10.42.${i % 250}.${i % 200}`, hostIP: `192.168.0.${i % 50}`, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:05Z' }, { type: 'ContainersReady', status: 'True', lastTransitionTime: '2025-01-01T00:00:05Z' }], containerStatuses: [{ name: 'web', ready: true, restartCount: 0, image: 'registry.example/web:1.2.3', imageID: 'sha256:abc', containerID: 'containerd://abc', started: true, state: { running: { startedAt: '2025-01-01T00:00:04Z' } } }] },
  }));
}

const keyOf = (i: number): string => `${PREFIX}ns-${i % 20}/web-${String(i).padStart(5, '0')}`;

/** Median of `runs` timings of fn, in ms. */
async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const fmt = (ms: number): string => `${ms.toFixed(2).padStart(9)} ms`;

async function benchList(name: string, store: Store, cacher: Cacher<Pod>): Promise<void> {
  const fromStore = await median(7, async () => (await store.list(PREFIX)).items.map(decode));
  const cachedAny = await median(7, () => cacher.list({ resourceVersion: '0' }));
  const cachedConsistent = await median(7, () => cacher.list({}));
  const pagedStore = await median(5, async () => {
    let startKey: string | undefined;
    for (;;) {
      const page = await store.list(PREFIX, { limit: 500, startKey });
      page.items.map(decode);
      if (!page.more) break;
      startKey = `${page.items[page.items.length - 1].key}\u0000`;
    }
  });
  const pagedCache = await median(5, async () => {
    let token: string | undefined;
    do token = (await cacher.list({ limit: 500, continueToken: token })).continueToken;
    while (token);
  });
  const ns = await median(7, () => cacher.list({ prefix: `${PREFIX}ns-3/`, resourceVersion: '0' }));
  const selected = await median(7, () => cacher.list({ resourceVersion: '0', predicate: (p) => p.metadata.labels.shard === '7' }));
  console.log(`\n[${name}] LIST of ${OBJECTS} pods`);
  console.log(`  store.list + decode (baseline)      ${fmt(fromStore)}`);
  console.log(`  cache, resourceVersion=0            ${fmt(cachedAny)}   ${(fromStore / cachedAny).toFixed(1)}x faster`);
  console.log(`  cache, consistent (RV unset)        ${fmt(cachedConsistent)}   ${(fromStore / cachedConsistent).toFixed(1)}x faster`);
  console.log(`  store, pages of 500 + decode        ${fmt(pagedStore)}`);
  console.log(`  cache, pages of 500                 ${fmt(pagedCache)}   ${(pagedStore / pagedCache).toFixed(1)}x faster`);
  console.log(`  cache, one namespace (1/20)         ${fmt(ns)}`);
  console.log(`  cache, label selector (1/10)        ${fmt(selected)}`);
}

/** Time from the first update until every watcher has seen every update. */
async function fanOut(subscribe: (onEvent: () => void) => Promise<() => void>, store: Store): Promise<number> {
  let received = 0;
  const expected = WATCHERS * UPDATES;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const stops: Array<() => void> = [];
  for (let w = 0; w < WATCHERS; w++) {
    stops.push(await subscribe(() => {
      if (++received === expected) done();
    }));
  }
  const t0 = performance.now();
  for (let i = 0; i < UPDATES; i++) {
    const key = keyOf(i % OBJECTS);
    const cur = (await store.get(key)) as KeyValue;
    await store.update(key, podValue(i % OBJECTS, i + 1), cur.modRevision);
  }
  await finished;
  const ms = performance.now() - t0;
  stops.forEach((stop) => stop());
  return ms;
}

async function benchWatch(name: string, store: Store, cacher: Cacher<Pod>): Promise<void> {
  const writesOnly = await (async () => {
    const t0 = performance.now();
    for (let i = 0; i < UPDATES; i++) {
      const key = keyOf(i % OBJECTS);
      const cur = (await store.get(key)) as KeyValue;
      await store.update(key, podValue(i % OBJECTS, i), cur.modRevision);
    }
    return performance.now() - t0;
  })();
  const direct = await fanOut(async (onEvent) => {
    const w = store.watch(PREFIX, {
      afterRevision: await store.currentRevision(),
      onEvents: (events) => events.forEach((e) => { decode(e.kv); onEvent(); }),
      onError: (err) => console.error(`store watch: ${err.message}`),
    });
    return () => w.cancel();
  }, store);
  await cacher.waitForRevision(await store.currentRevision());
  const cached = await fanOut(async (onEvent) => {
    const w = await cacher.watch({ afterRevision: cacher.revision, onEvent: (e) => { if (e.type !== 'BOOKMARK') onEvent(); } });
    return () => w.stop();
  }, store);
  console.log(`\n[${name}] WATCH fan-out: ${UPDATES} updates to ${WATCHERS} watchers`);
  console.log(`  the ${UPDATES} writes alone                ${fmt(writesOnly)}`);
  console.log(`  ${WATCHERS} store watches + decode (baseline) ${fmt(direct)}`);
  console.log(`  ${WATCHERS} cache watches                   ${fmt(cached)}   ${(direct / cached).toFixed(1)}x faster`);
}

async function run(name: string, store: Store): Promise<void> {
  for (let i = 0; i < OBJECTS; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, OBJECTS - i) }, (_, j) => store.create(keyOf(i + j), podValue(i + j))));
  }
  const cacher = new Cacher<Pod>({ store, prefix: PREFIX, decode });
  const t0 = performance.now();
  await cacher.start();
  console.log(`\n[${name}] cache start (list + decode ${OBJECTS} pods): ${fmt(performance.now() - t0)}; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
  await benchList(name, store, cacher);
  await benchWatch(name, store, cacher);
  cacher.stop();
  await store.close();
}

const dir = mkdtempSync(join(tmpdir(), 'kite-bench-cacher-'));
try {
  console.log(`kite watch cache benchmark (node ${process.version})`);
  await run('memory', new MemoryStore());
  await run('sqlite', openSqliteStore(join(dir, 'bench.db')));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
