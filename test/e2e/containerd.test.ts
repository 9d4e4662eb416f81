// Real containerd + runc + CNI, driven through kite's CRI client: the container-runtime layer of the
// agent end to end. Starts its own containerd (temp root, own bridge and subnet) and removes it all.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Command } from 'commander';
import { WebSocket } from 'ws';
import { shimSocketPath } from '../../src/agent/containerd/cleanup.js';
import { BUSYBOX_IMAGE, WEB_IMAGE, WEB_PORT } from '../../src/agent/images/builtin.js';
import { ociArchitecture, sha256 } from '../../src/agent/images/oci-layout.js';
import { createTar } from '../../src/agent/images/tar.js';
import { runtimeConformance } from '../../src/agent/runtime/conformance.js';
import { registerImageCommands } from '../../src/cli/image.js';
import type { ContainerStatus } from '../../src/agent/runtime/types.js';
import { containerdSkipReason, startTestContainerd, type TestContainerd } from '../util/containerd.js';
import { untilWithin } from '../util/until.js';

const skip = containerdSkipReason();
if (skip) console.log(`# containerd e2e skipped: ${skip}`);

// Exits promptly on SIGTERM (a shell as PID 1 ignores signals it has no trap for).
const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1 & wait $!; done'];

function fetchOnce(ip: string, port: number, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpGet({ host: ip, port, path: '/', timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** GET http://ip:port/ until it answers (the server may still be binding). */
async function fetchUntilUp(ip: string, port: number, timeoutMs = 10_000): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetchOnce(ip, port);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Runs `kite image ...` in-process and returns what it printed. */
async function kiteImage(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerImageCommands(program);
  const printed: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => printed.push(parts.join(' '));
  try {
    await program.parseAsync(['node', 'kite', 'image', ...args]);
  } finally {
    console.log = log;
  }
  return printed.join('\n');
}

/** A minimal `docker save` archive (manifest.json + config + one layer) made by hand. */
function dockerArchive(repoTag: string): Buffer {
  const layer = createTar([{ path: 'hello.txt', type: 'file', content: Buffer.from('hello from a docker archive\n') }]);
  const config = Buffer.from(JSON.stringify({
    architecture: ociArchitecture(), os: 'linux', config: { Cmd: ['/hello'] },
    rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
  }));
  const configName = `${sha256(config).slice(7)}.json`;
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [repoTag], Layers: ['layer1/layer.tar'] }]));
  return createTar([
    { path: 'manifest.json', type: 'file', content: manifest },
    { path: configName, type: 'file', content: config },
    { path: 'layer1', type: 'dir' },
    { path: 'layer1/layer.tar', type: 'file', content: layer },
  ]);
}

const until = untilWithin(10_000, 50);

describe('containerd through CRI (e2e)', { skip }, () => {
  let c: TestContainerd;
  before(async () => {
    c = await startTestContainerd({ images: ['busybox', 'web'] });
  });
  after(async () => {
    await c?.stop();
  });

  const runWebPod = async (name: string): Promise<{ uid: string; podId: string; cid: string; ip: string; ms: Record<string, number> }> => {
    const uid = randomUUID();
    const config = c.sandboxConfig(name, uid, { labels: { app: name } });
    let t = performance.now();
    const podId = await c.runtime.runPodSandbox(config);
    const ms: Record<string, number> = { runPodSandbox: performance.now() - t };
    t = performance.now();
    const cid = await c.runtime.createContainer(podId, { metadata: { name: 'web' }, image: { image: WEB_IMAGE }, logPath: 'web/0.log' }, config);
    await c.runtime.startContainer(cid);
    ms.createAndStart = performance.now() - t;
    const ip = (await c.runtime.podSandboxStatus(podId)).status?.network?.ip ?? '';
    return { uid, podId, cid, ip, ms };
  };

  test('kite-built images are in containerd under their names', async () => {
    const tags = (await c.runtime.listImages()).flatMap((i) => i.repoTags);
    for (const name of ['kite.local/pause:1.0', BUSYBOX_IMAGE, WEB_IMAGE]) assert.ok(tags.includes(name), `${name} in ${tags.join(', ')}`);
    for (const img of c.images) assert.equal((await c.runtime.imageStatus({ image: img.name })).image?.id, img.id);
  });

  test('web pod: HTTP over the pod IP from the host, exec, CRI log, stats, teardown with cgroups', async (t) => {
    const pod = await runWebPod('web');
    assert.ok(pod.ip.startsWith(c.podCidr.split('.').slice(0, 3).join('.')), `${pod.ip} in ${c.podCidr}`);
    const t0 = performance.now();
    const res = await fetchUntilUp(pod.ip, WEB_PORT);
    pod.ms.firstHttp200 = performance.now() - t0;
    assert.equal(res.status, 200);
    assert.match(res.body, /Hello from kite/);

    const hi = await c.runtime.execSync(pod.cid, ['echo', 'hi'], 10);
    assert.deepEqual([hi.exitCode, hi.stdout.toString(), hi.stderr.toString()], [0, 'hi\n', '']);
    const whoami = await c.runtime.execSync(pod.cid, ['id', '-u'], 10);
    assert.equal(whoami.stdout.toString().trim(), '65534', 'runs as the image user');

    const status = (await c.runtime.containerStatus(pod.cid)).status as ContainerStatus;
    assert.equal(status.logPath, `${c.logRoot}/default_web_${pod.uid}/web/0.log`);
    // httpd -v logs each request to stderr; the runtime writes CRI lines "<time> <stream> <F|P> <text>".
    const log = await until('the request in the log', async () => {
      const text = await readFile(status.logPath, 'utf8').catch(() => '');
      return text.includes('response:200') ? text : undefined;
    });
    assert.match(log, /^\d{4}-\d\d-\d\dT[\d:.]+Z stderr F .*response:200$/m);

    const stats = await c.runtime.containerStats(pod.cid);
    assert.equal(stats.attributes?.id, pod.cid);
    assert.ok((stats.memory?.workingSetBytes?.value ?? 0) > 0);
    assert.ok((stats.cpu?.usageCoreNanoSeconds?.value ?? 0) > 0);

    let tt = performance.now();
    await c.runtime.stopPodSandbox(pod.podId);
    pod.ms.stopPodSandbox = performance.now() - tt;
    await assert.rejects(fetchOnce(pod.ip, WEB_PORT, 300), 'nothing serves on a stopped pod');
    tt = performance.now();
    await c.runtime.removePodSandbox(pod.podId);
    pod.ms.removePodSandbox = performance.now() - tt;
    assert.deepEqual(await c.runtime.listPodSandbox({ id: pod.podId }), []);
    const removed = await c.removePodCgroup(pod.uid);
    assert.ok(removed.some((d) => d.includes('/memory/')), `removed ${removed.join(', ')}`);
    assert.equal(existsSync(`/sys/fs/cgroup/memory${c.cgroupRoot}/pod${pod.uid}`), false);
    t.diagnostic(`timings (ms): ${Object.entries(pod.ms).map(([k, v]) => `${k}=${v.toFixed(0)}`).join(' ')}`);
  });

  test('a finished container reports its exit code, reason and both streams in its log', async () => {
    const uid = randomUUID();
    const config = c.sandboxConfig('exits', uid);
    const podId = await c.runtime.runPodSandbox(config);
    try {
      const cid = await c.runtime.createContainer(podId, {
        metadata: { name: 'job' }, image: { image: BUSYBOX_IMAGE }, logPath: 'job/0.log',
        command: ['sh', '-c', 'echo out; echo err >&2; exit 3'], envs: [{ key: 'GREETING', value: 'hello' }],
      }, config);
      await c.runtime.startContainer(cid);
      const st = await until('exit', async () => {
        const s = (await c.runtime.containerStatus(cid)).status;
        return s?.state === 'CONTAINER_EXITED' ? s : undefined;
      });
      assert.equal(st.exitCode, 3);
      assert.equal(st.reason, 'Error');
      const log = await readFile(st.logPath, 'utf8');
      assert.match(log, / stdout F out\n/);
      assert.match(log, / stderr F err\n/);
    } finally {
      await c.runtime.stopPodSandbox(podId);
      await c.runtime.removePodSandbox(podId);
      await c.removePodCgroup(uid);
    }
  });

  test('exec through the CRI streaming server (websocket, v4.channel.k8s.io)', async () => {
    const uid = randomUUID();
    const config = c.sandboxConfig('streaming', uid);
    const podId = await c.runtime.runPodSandbox(config);
    try {
      const cid = await c.runtime.createContainer(podId, { metadata: { name: 'sh' }, image: { image: BUSYBOX_IMAGE }, command: SLEEPER }, config);
      await c.runtime.startContainer(cid);
      const url = await c.runtime.exec({ containerId: cid, cmd: ['sh', '-c', 'echo streamed; echo oops >&2'], stdout: true, stderr: true });
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/exec\//);
      const channels = await new Promise<Record<number, string>>((resolve, reject) => {
        const out: Record<number, string> = {};
        const ws = new WebSocket(url.replace(/^http/, 'ws'), ['v4.channel.k8s.io']);
        ws.on('message', (data: Buffer) => {
          if (data.length > 1) out[data[0] as number] = (out[data[0] as number] ?? '') + data.subarray(1).toString();
        });
        ws.on('close', () => resolve(out));
        ws.on('error', reject);
      });
      assert.equal(channels[1], 'streamed\n');
      assert.equal(channels[2], 'oops\n');
      assert.match(channels[3] ?? '', /"status":"Success"/);
    } finally {
      await c.runtime.stopPodSandbox(podId);
      await c.runtime.removePodSandbox(podId);
      await c.removePodCgroup(uid);
    }
  });

  test('the supervisor restarts a killed containerd and pods keep serving', async (t) => {
    const supervisor = c.supervisor;
    assert.ok(supervisor);
    const pod = await runWebPod('survivor');
    try {
      await fetchUntilUp(pod.ip, WEB_PORT);
      const oldPid = supervisor.pid;
      const ready = new Promise<number>((resolve) => supervisor.once('ready', resolve));
      const t0 = performance.now();
      process.kill(oldPid ?? 0, 'SIGKILL');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<number>((_, rej) => (timer = setTimeout(() => rej(new Error('containerd was not restarted')), 20_000)));
      const newPid = await Promise.race([ready, timeout]).finally(() => clearTimeout(timer));
      t.diagnostic(`containerd back after ${(performance.now() - t0).toFixed(0)} ms`);
      assert.notEqual(newPid, oldPid);
      assert.equal((await fetchOnce(pod.ip, WEB_PORT)).status, 200);
      const listed = await c.runtime.listPodSandbox({ id: pod.podId });
      assert.equal(listed[0]?.state, 'SANDBOX_READY');
      assert.equal((await c.runtime.containerStatus(pod.cid)).status?.state, 'CONTAINER_RUNNING');
    } finally {
      await c.runtime.stopPodSandbox(pod.podId);
      await c.runtime.removePodSandbox(pod.podId);
      await c.removePodCgroup(pod.uid);
    }
  });

  test('kite image import (docker archive and OCI layout), ls and rm', async () => {
    const endpoint = ['--container-runtime-endpoint', c.endpoint];
    const dockerTar = `${c.dataDir}/docker-archive.tar`;
    await writeFile(dockerTar, dockerArchive('kite.local/from-docker:1'));
    assert.match(await kiteImage(['import', dockerTar, ...endpoint]), /^imported kite\.local\/from-docker:1$/m);

    const ociTar = `${c.dataDir}/web-again.tar`;
    await kiteImage(['build', 'web', '-o', ociTar]);
    assert.match(await kiteImage(['import', ociTar, ...endpoint]), /^imported kite\.local\/hello-web:1\.0$/m);

    const table = (await kiteImage(['ls', ...endpoint])).split('\n').map((l) => l.split(/\s{3,}/));
    assert.deepEqual(table[0], ['IMAGE', 'TAG', 'IMAGE ID', 'SIZE']);
    assert.ok(table.some((r) => r[0] === 'kite.local/from-docker' && r[1] === '1'), JSON.stringify(table));
    assert.ok(table.some((r) => r[0] === 'kite.local/hello-web' && r[1] === '1.0'));

    await kiteImage(['rm', 'kite.local/from-docker:1', ...endpoint]);
    assert.equal((await c.runtime.imageStatus({ image: 'kite.local/from-docker:1' })).image, undefined);
    await assert.rejects(kiteImage(['import', `${c.dataDir}/missing.tar`, ...endpoint]), /ENOENT/);
  });

  describe('ContainerRuntime conformance on containerd', () => {
    runtimeConformance(() => ({
      runtime: c.runtime,
      image: BUSYBOX_IMAGE,
      command: SLEEPER,
      sandboxConfig: (name, uid) => c.sandboxConfig(name, uid),
      cleanup: async (configs) => {
        for (const config of configs) await c.removePodCgroup(config.metadata.uid);
      },
    }));
  });

  test('stop() leaves nothing behind: no pods, shims, sockets, bridge, cgroups or files', async () => {
    const ids = (await c.runtime.listPodSandbox()).map((s) => s.id);
    const uid = randomUUID();
    const podId = await c.runtime.runPodSandbox(c.sandboxConfig('leftover', uid));
    ids.push(podId);
    const socket = c.supervisor?.paths.socket ?? '';
    const stopped = c;
    c = undefined as unknown as TestContainerd; // after() must not stop twice
    await stopped.stop();

    const shims = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`-address ${socket}`));
    assert.deepEqual(shims, []);
    for (const id of ids) assert.equal(existsSync(shimSocketPath(socket, id)), false);
    if (existsSync('/var/lib/cni/results')) {
      assert.deepEqual(readdirSync('/var/lib/cni/results').filter((f) => f.startsWith(`${stopped.networkName}-`)), []);
    }
    assert.equal(existsSync(`/sys/class/net/${stopped.bridgeName}`), false);
    assert.equal(existsSync(`/sys/fs/cgroup/memory${stopped.cgroupRoot}`), false);
    assert.equal(existsSync(stopped.dataDir), false);
  });
});
