// bench/sim-nodes: 500 simulated nodes and 10,000 pods against a real `kite server`: how long
// registration takes, how fast bound pods are reported Running and deleted pods confirmed, and
// what the steady heartbeat load costs. Prints figures; never fails on noise.
//   npm run build && node dist/bench/sim-nodes.js      (KITE_BENCH_QUICK=1: 100 nodes, 2,000 pods)
import { performance } from 'node:perf_hooks';
import { bulkhead } from 'cockatiel';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { newInformer } from '../src/client/informer.js';
import { PODS } from '../src/client/resources.js';
import { RestClient } from '../src/client/rest-client.js';
import type { ApiObject, Client, CreateOptions, DeleteOptions, GetOptions, ListOptions, PatchOptions, PatchType, ResourceType, WatchOptions, WriteOptions } from '../src/client/types.js';
import { startSimNodes } from '../src/simnodes/sim-nodes.js';
import { startKiteServer } from '../test/util/kite-server.js';

const quick = process.env.KITE_BENCH_QUICK === '1';
const NODES = quick ? 100 : 500;
const PODS_TOTAL = quick ? 2_000 : 10_000;

/** Counts the sim's writes by verb, to report the heartbeat load. */
function countingClient(inner: Client, counts: Map<string, number>): Client {
  const bump = (verb: string, type: ResourceType, sub?: string): void => {
    const key = `${verb} ${type.resource}${sub ? `/${sub}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  return {
    get: <T = ApiObject>(t: ResourceType, ns: string | undefined, n: string, o?: GetOptions) => (bump('get', t, o?.subresource), inner.get<T>(t, ns, n, o)),
    list: <T = ApiObject>(t: ResourceType, ns: string | undefined, o?: ListOptions) => (bump('list', t), inner.list<T>(t, ns, o)),
    create: <T = ApiObject>(t: ResourceType, ns: string | undefined, obj: T, o?: CreateOptions) => (bump('create', t, o?.subresource), inner.create<T>(t, ns, obj, o)),
    update: <T = ApiObject>(t: ResourceType, ns: string | undefined, obj: T, o?: WriteOptions) => (bump('update', t, o?.subresource), inner.update<T>(t, ns, obj, o)),
    updateStatus: <T = ApiObject>(t: ResourceType, ns: string | undefined, obj: T, o?: WriteOptions) => (bump('update', t, 'status'), inner.updateStatus<T>(t, ns, obj, o)),
    patch: <T = ApiObject>(t: ResourceType, ns: string | undefined, n: string, pt: PatchType, p: unknown, o?: PatchOptions) => (bump('patch', t, o?.subresource), inner.patch<T>(t, ns, n, pt, p, o)),
    delete: <T = ApiObject>(t: ResourceType, ns: string | undefined, n: string, o?: DeleteOptions) => (bump('delete', t), inner.delete<T>(t, ns, n, o)),
    deleteCollection: (t, ns, o) => inner.deleteCollection(t, ns, o),
    watch: <T = ApiObject>(t: ResourceType, ns: string | undefined, o?: WatchOptions) => (bump('watch', t), inner.watch<T>(t, ns, o)),
    resource: (t) => inner.resource(t),
  };
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function main(): Promise<void> {
  const kite = await startKiteServer({ args: ['--disable-controllers', '--disable-scheduler'] });
  const client = await RestClient.fromKubeconfig(kite.kubeconfig);
  const counts = new Map<string, number>();
  try {
    let t0 = performance.now();
    const sim = await startSimNodes(countingClient(client, counts), { count: NODES });
    const registerMs = performance.now() - t0;
    console.log(`register ${NODES} nodes (+ first heartbeats start): ${(registerMs / 1000).toFixed(2)} s`);

    const watcher = newInformer<Pod>(client, { type: PODS, namespace: 'default' });
    const abort = new AbortController();
    void watcher.run(abort.signal);
    await watcher.waitForSync();
    const running = (): number => watcher.indexer.list().filter((p) => p.status?.phase === 'Running').length;

    t0 = performance.now();
    const limit = bulkhead(64, Infinity);
    await Promise.all(
      Array.from({ length: PODS_TOTAL }, (_, i) =>
        limit.execute(() =>
          client.create(PODS, 'default', {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: `p-${i}` },
            spec: { nodeName: sim.nodeNames[i % NODES], containers: [{ name: 'c', image: 'nginx' }] },
          }),
        ),
      ),
    );
    const createMs = performance.now() - t0;
    await waitFor('all running', () => running() === PODS_TOTAL);
    const runningMs = performance.now() - t0;
    console.log(`create ${PODS_TOTAL} bound pods: ${(createMs / 1000).toFixed(2)} s; all Running after ${(runningMs / 1000).toFixed(2)} s (${Math.round(PODS_TOTAL / (runningMs / 1000))} pods/s)`);

    counts.clear();
    const steadyMs = 30_000;
    await new Promise((r) => setTimeout(r, steadyMs));
    const perSecond = [...counts].map(([k, v]) => `${k} ${(v / (steadyMs / 1000)).toFixed(1)}/s`).join(', ');
    console.log(`steady state over ${steadyMs / 1000} s: ${perSecond}`);
    console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (sim + bench informer in one process)`);

    t0 = performance.now();
    await Promise.all(Array.from({ length: PODS_TOTAL }, (_, i) => limit.execute(() => client.delete(PODS, 'default', `p-${i}`))));
    await waitFor('all gone', () => watcher.indexer.size === 0);
    console.log(`delete ${PODS_TOTAL} pods (graceful, confirmed by the sim): ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    abort.abort();
    await sim.stop();
  } finally {
    client.close();
    await kite.stop();
  }
}

await main();
