// Starts a real `kite server` (the built CLI, as a child process) on a free port with its own
// data dir, and runs the real kubectl against it through the kubeconfig the server wrote.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const KITE_BIN = join(repoRoot, 'bin', 'kite');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface KiteServer {
  dataDir: string;
  port: number;
  url: string;
  kubeconfig: string;
  process: ChildProcess;
  output: () => string;
  /** Runs the real kubectl against this server. */
  kubectl: (args: string[], opts?: KubectlOptions) => Promise<KubectlResult>;
  /** Stops the server (SIGTERM, then SIGKILL); keeps the data dir unless `cleanup`. */
  stop: (opts?: { cleanup?: boolean; signal?: NodeJS.Signals }) => Promise<void>;
}

export interface KubectlOptions {
  stdin?: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface StartOptions {
  dataDir?: string;
  port?: number;
  args?: string[];
  env?: Record<string, string>;
  /** Run kite's embedded node agent (and containerd); default false: tests get an API-only server. */
  agent?: boolean;
}

export async function startKiteServer(opts: StartOptions = {}): Promise<KiteServer> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'kite-test-')));
  const port = opts.port ?? (await freePort());
  const cacheDir = await mkdtemp(join(tmpdir(), 'kite-kubectl-cache-'));
  let out = '';
  // KITE_SERVER_NODE_OPTIONS: extra node flags for the server only (e.g. --cpu-prof while a bench drives it).
  const nodeFlags = (process.env.KITE_SERVER_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeFlags, KITE_BIN, 'server', '--data-dir', dataDir, '--https-port', String(port), '--bind-address', '127.0.0.1', ...(opts.agent ? [] : ['--disable-agent']), ...(opts.args ?? [])], {
    env: { ...process.env, KITE_LOG_LEVEL: 'warn', ...(opts.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const kubeconfig = join(dataDir, 'kubeconfig.yaml');
  const url = `https://127.0.0.1:${port}`;
  await waitReady(url, kubeconfig, child, () => out);

  const kubectl = (args: string[], kopts: KubectlOptions = {}): Promise<KubectlResult> =>
    runKubectl(['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, ...args], kopts);

  const stop = async (sopts: { cleanup?: boolean; signal?: NodeJS.Signals } = {}): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(sopts.signal ?? 'SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(cacheDir, { recursive: true, force: true });
    if (sopts.cleanup ?? true) await rm(dataDir, { recursive: true, force: true });
  };
  return { dataDir, port, url, kubeconfig, process: child, output: () => out, kubectl, stop };
}

async function waitReady(url: string, kubeconfig: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`kite server exited with ${child.exitCode}:\n${output()}`);
    if (existsSync(kubeconfig)) {
      if ((await httpsStatus(`${url}/readyz`, join(kubeconfig, '..', 'tls', 'server-ca.crt'))) === 200) return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`kite server did not become ready in 30 s:\n${output()}`);
}

/** GET a URL trusting kite's server CA; 0 when the server does not answer. */
export async function httpsStatus(url: string, caFile: string): Promise<number> {
  let ca: Buffer;
  try {
    ca = await readFile(caFile);
  } catch {
    return 0;
  }
  return new Promise((resolve) => {
    const req = httpsGet(url, { ca, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

export function runKubectl(args: string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, { env: { ...process.env, ...(opts.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
  });
}
