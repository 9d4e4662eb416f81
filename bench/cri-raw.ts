/// <reference types="node" />
// The floor for "pod created -> serving" on this machine: raw CRI calls to kite's own containerd,
// no apiserver, scheduler or agent in between. bench/pods compares kite's pod start-up against
// rawCriTimings() measured in the same run. Figures, not pass/fail. Needs root.
//   npx tsc -p . && node dist/bench/cri-raw.js [pods=10]
import { randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WEB_IMAGE, WEB_PORT } from '../src/agent/images/builtin.js';
import { containerdSkipReason, startTestContainerd, type TestContainerd } from '../test/util/containerd.js';

export interface Summary { min: number; median: number; max: number }
export type CriTimings = Record<'runPodSandbox' | 'createAndStart' | 'createToHttp200' | 'execSync' | 'stopPodSandbox' | 'removePodSandbox', Summary>;

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  return { min: s[0] ?? NaN, median: s[Math.floor(s.length / 2)] ?? NaN, max: s[s.length - 1] ?? NaN };
}

function get200(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet({ host: ip, port: WEB_PORT, path: '/', timeout: 1000, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Starts `pods` web pods one after another on `c`, timing each CRI step, then removes them. */
export async function rawCriTimings(c: TestContainerd, pods: number): Promise<CriTimings> {
  const samples: Record<keyof CriTimings, number[]> = {
    runPodSandbox: [], createAndStart: [], createToHttp200: [], execSync: [], stopPodSandbox: [], removePodSandbox: [],
  };
  const time = async <T>(key: keyof CriTimings, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await fn();
    samples[key].push(performance.now() - t0);
    return out;
  };
  const running: { id: string; uid: string }[] = [];
  try {
    for (let i = 0; i < pods; i++) {
      const uid = randomUUID();
      const config = c.sandboxConfig(`bench-${i}`, uid);
      const id = await time('runPodSandbox', () => c.runtime.runPodSandbox(config));
      running.push({ id, uid });
      const ip = (await c.runtime.podSandboxStatus(id)).status?.network?.ip ?? '';
      const t0 = performance.now();
      const cid = await time('createAndStart', async () => {
        const cid = await c.runtime.createContainer(id, { metadata: { name: 'web' }, image: { image: WEB_IMAGE }, logPath: 'web/0.log' }, config);
        await c.runtime.startContainer(cid);
        return cid;
      });
      while (!(await get200(ip))) {
        if (performance.now() - t0 > 10_000) throw new Error(`pod ${i} at ${ip} did not serve within 10 s`);
      }
      samples.createToHttp200.push(performance.now() - t0);
      await time('execSync', () => c.runtime.execSync(cid, ['echo', 'hi'], 10));
    }
  } finally {
    for (const { id, uid } of running) {
      await time('stopPodSandbox', () => c.runtime.stopPodSandbox(id));
      await time('removePodSandbox', () => c.runtime.removePodSandbox(id));
      await c.removePodCgroup(uid);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)])) as CriTimings;
}

async function main(): Promise<void> {
  const skip = containerdSkipReason();
  if (skip) {
    console.log(`cri-raw: skipped (${skip})`);
    return;
  }
  const pods = Number(process.argv[2] ?? 10);
  let t0 = performance.now();
  const c = await startTestContainerd({ images: ['web'] });
  const startMs = performance.now() - t0;
  try {
    t0 = performance.now();
    const timings = await rawCriTimings(c, pods);
    const totalMs = performance.now() - t0;
    console.log(`raw CRI on containerd ${(await c.runtime.version()).runtimeVersion}, ${pods} pods one after another (ms)`);
    console.log(`${'operation'.padEnd(20)}${'min'.padStart(8)}${'median'.padStart(8)}${'max'.padStart(8)}`);
    for (const [name, s] of Object.entries(timings)) {
      console.log(`${name.padEnd(20)}${s.min.toFixed(0).padStart(8)}${s.median.toFixed(0).padStart(8)}${s.max.toFixed(0).padStart(8)}`);
    }
    console.log(`containerd start + pause/web image import: ${startMs.toFixed(0)} ms; whole run: ${totalMs.toFixed(0)} ms`);
  } finally {
    await c.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
