/// <reference types="node" />
// Starts a throw-away etcd (the Debian etcd-server binary) on loopback for tests and benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_VALUE_BYTES } from '../../src/storage/store.js';

export interface EtcdTls {
  /** CA that signed the client certificates etcd accepts (enables client-cert auth). */
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface StartEtcdOptions {
  /** Path of the etcd binary; default $KITE_ETCD_BIN or /usr/bin/etcd. */
  binary?: string;
  /** Serve clients over TLS with these files (client certificates required). */
  tls?: EtcdTls;
  /** How long to wait for /health; default 20 s. */
  startTimeoutMs?: number;
  /** Reuse this data dir (kept on stop) and these ports, e.g. to restart a stopped etcd with its data. */
  dataDir?: string;
  clientPort?: number;
  peerPort?: number;
}

export interface RunningEtcd {
  /** Client URL, e.g. http://127.0.0.1:40123. */
  endpoint: string;
  dataDir: string;
  clientPort: number;
  peerPort: number;
  pid: number;
  stop(): Promise<void>;
}

const DEFAULT_BINARY = process.env.KITE_ETCD_BIN ?? '/usr/bin/etcd';
// A request carries the key and protobuf framing besides the value, so etcd needs some headroom over
// the Store's value limit for a value of exactly MAX_VALUE_BYTES to be accepted.
const MAX_REQUEST_BYTES = MAX_VALUE_BYTES + 64 * 1024;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test that crashes must not leave etcd processes behind.
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** Starts etcd and resolves once it reports healthy. Retries on a port race (another process took a port). */
export async function startEtcd(opts: StartEtcdOptions = {}): Promise<RunningEtcd> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      lastError = err;
      if (!String(err).includes('address already in use')) break;
    }
  }
  throw lastError;
}

async function startOnce(opts: StartEtcdOptions): Promise<RunningEtcd> {
  const clientPort = opts.clientPort ?? (await freePort());
  const peerPort = opts.peerPort ?? (await freePort());
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kite-etcd-'));
  const scheme = opts.tls ? 'https' : 'http';
  const endpoint = `${scheme}://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name', 'kite-test',
    '--data-dir', dataDir,
    '--listen-client-urls', endpoint,
    '--advertise-client-urls', endpoint,
    '--listen-peer-urls', peerUrl,
    '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', `kite-test=${peerUrl}`,
    '--initial-cluster-state', 'new',
    '--max-request-bytes', String(MAX_REQUEST_BYTES),
    '--logger', 'zap',
    '--log-level', 'warn',
  ];
  if (opts.tls) {
    args.push(
      '--cert-file', opts.tls.certFile,
      '--key-file', opts.tls.keyFile,
      '--trusted-ca-file', opts.tls.caFile,
      '--client-cert-auth',
    );
  }
  const child = spawn(opts.binary ?? DEFAULT_BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  killAllOnExit();
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
    child.once('error', (err) => {
      stderr += String(err);
      running.delete(child);
      resolve(-1);
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGTERM');
        const timer = new Promise<'timeout'>((resolve) => setTimeout(resolve, 5000, 'timeout').unref());
        if ((await Promise.race([exited, timer])) === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      }
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    await waitHealthy(endpoint, opts, exited, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, dataDir, clientPort, peerPort, pid: child.pid ?? -1, stop };
}

async function waitHealthy(
  endpoint: string,
  opts: StartEtcdOptions,
  exited: Promise<number | null>,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`etcd exited with code ${exitCode}: ${stderr()}`);
    if (await isHealthy(endpoint, opts.tls)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`etcd at ${endpoint} not healthy within ${opts.startTimeoutMs ?? 20_000} ms: ${stderr()}`);
}

async function isHealthy(endpoint: string, tls: EtcdTls | undefined): Promise<boolean> {
  if (tls) return isHealthyTls(endpoint, tls);
  try {
    const res = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { health?: string };
    return res.ok && body.health === 'true';
  } catch {
    return false;
  }
}

// fetch() cannot present a client certificate, so the TLS health check uses node:https.
async function isHealthyTls(endpoint: string, tls: EtcdTls): Promise<boolean> {
  const { request } = await import('node:https');
  const { readFileSync } = await import('node:fs');
  return new Promise((resolve) => {
    const req = request(`${endpoint}/health`, {
      ca: readFileSync(tls.caFile),
      cert: readFileSync(tls.certFile),
      key: readFileSync(tls.keyFile),
      servername: '', // no SNI: the endpoint is an IP address (RFC 6066 forbids IPs there)
      timeout: 1000,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
