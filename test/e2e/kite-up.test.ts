// `kite up` and `kite down --purge` end to end, as a newcomer runs them: the real CLI on a temp data
// dir and a non-default port, real containerd, the demo answering over HTTP, kubectl through the
// printed kubeconfig, and nothing left afterwards (processes, containerd, sandboxes, cgroups).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { cgroupMountPoints } from '../../src/agent/runtime/cgroups.js';
import { containerdSkipReason } from '../util/containerd.js';
import { KITE_BIN, freePort, runKubectl } from '../util/kite-server.js';
import { processesUsing } from '../util/processes.js';

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

/** kite up uses the node-wide defaults (bridge kite0, kubelet port 10250): only one kite per host. */
async function skipReason(): Promise<string | undefined> {
  const base = containerdSkipReason();
  if (base) return base;
  if (existsSync('/sys/class/net/kite0')) return 'another kite node runs here (bridge kite0 exists)';
  if (!(await portFree(10250))) return 'port 10250 is taken (another kite or kubelet runs here)';
  return undefined;
}

const skip = await skipReason();
if (skip) console.log(`# kite up e2e skipped: ${skip}`);

interface Run { code: number; stdout: string; stderr: string }

function kite(args: string[], env: Record<string, string>, timeoutMs = 180_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KITE_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then(async (r) => ({ status: r.status, body: await r.text() }));
}

/** Alive and not a zombie (an orphan's exit status waits for PID 1, which may reap late). */
function running(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Processes whose command line mentions dir (kite server, containerd, shims). */

const podCgroups = (): string[] => cgroupMountPoints().flatMap((m) => ['', 'burstable', 'besteffort'].flatMap((q) => {
  const dir = join(m, 'kite', q);
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith('pod')).map((n) => join(dir, n)) : [];
}));

describe('kite up / kite down (e2e)', { skip }, () => {
  let dataDir = '';
  let home = '';
  let env: Record<string, string> = {};

  after(async () => {
    if (!dataDir) return;
    if (existsSync(dataDir)) await kite(['down', '--purge', '--data-dir', dataDir], env).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  });

  test('up starts a cluster that serves the demo; kubectl works; down --purge leaves nothing', { timeout: 300_000 }, async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'kite-up-'));
    dataDir = join(root, 'server');
    home = await mkdtemp(join(tmpdir(), 'kite-up-home-'));
    env = { HOME: home, KITE_LOG_LEVEL: 'info' };
    const port = await freePort();

    const t0 = performance.now();
    const first = await kite(['up', '--data-dir', dataDir, '--https-port', String(port)], env);
    const upMs = performance.now() - t0;
    assert.equal(first.code, 0, `kite up failed:\n${first.stdout}\n${first.stderr}`);
    t.diagnostic(`kite up took ${upMs.toFixed(0)} ms:\n${first.stdout}`);

    // The printed kubeconfig, also copied into the (empty) home.
    const kubeconfig = /export KUBECONFIG=(\S+)/.exec(first.stdout)?.[1];
    assert.equal(kubeconfig, join(dataDir, 'kubeconfig.yaml'));
    assert.ok(existsSync(join(home, '.kube', 'config')), '~/.kube/config was not written');
    assert.match(readFileSync(kubeconfig!, 'utf8'), new RegExp(`server: https://127\\.0\\.0\\.1:${port}`));

    // The demo answers at the printed pod URL.
    const url = /curl (http:\/\/10\.42\.\d+\.\d+:8080\/)/.exec(first.stdout)?.[1];
    assert.ok(url, `no demo URL printed:\n${first.stdout}`);
    const page = await httpGet(url!);
    assert.equal(page.status, 200);
    assert.match(page.body, /Hello from kite/);

    const pods = await runKubectl(['--kubeconfig', kubeconfig!, 'get', 'pods', '-l', 'app=hello', '-o', 'wide', '--no-headers']);
    assert.equal(pods.code, 0, pods.stderr);
    const lines = pods.stdout.trim().split('\n');
    assert.equal(lines.length, 2, pods.stdout);
    for (const line of lines) assert.match(line, /^hello-\S+\s+1\/1\s+Running\s/);
    const svc = await runKubectl(['--kubeconfig', kubeconfig!, 'get', 'service', 'hello', '-o', 'jsonpath={.spec.type}']);
    assert.equal(svc.stdout, 'ClusterIP', svc.stderr);
    // kubectl exec goes API server -> embedded agent -> containerd.
    const exec = await runKubectl(['--kubeconfig', kubeconfig!, 'exec', 'deploy/hello', '--', 'cat', '/www/index.html']);
    assert.equal(exec.code, 0, exec.stderr);
    assert.match(exec.stdout, /Hello from kite/);

    // Idempotent: a second `kite up` only reports.
    const again = await kite(['up', '--data-dir', dataDir, '--https-port', String(port)], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /kite is already up/);
    assert.match(again.stdout, /demo: 2\/2 pods answer HTTP 200/);
    assert.match(again.stdout, /: Ready/);

    const pidFile = join(dataDir, 'kite-server.pid');
    const serverPid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(serverPid > 0);

    const down = await kite(['down', '--purge', '--data-dir', dataDir], env);
    assert.equal(down.code, 0, `kite down failed:\n${down.stdout}\n${down.stderr}`);
    t.diagnostic(down.stdout);
    assert.equal(existsSync(dataDir), false, 'the data dir is still there');
    assert.equal(running(serverPid), false, 'kite server still runs');
    assert.deepEqual(processesUsing(dataDir), [], 'kite server, containerd or shims are left');
    assert.equal(existsSync('/sys/class/net/kite0'), false, 'the pod bridge is left');
    assert.deepEqual(podCgroups(), [], 'pod cgroups are left');
    // (Without kite's route, 10.42/16 goes to the default gateway, which may answer anything.)
    const gone = await httpGet(url!).catch(() => ({ status: 0, body: '' }));
    assert.doesNotMatch(gone.body, /Hello from kite/, 'the demo still answers');
    await rm(root, { recursive: true, force: true });
  });
});
