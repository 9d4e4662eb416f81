// `kite server` as a background process for `kite up` / `kite down`: where its files are, start it
// detached (pid file + log file in the data dir), find it again, wait until it serves, stop it.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAndWait } from '../../agent/containerd/supervisor.js';

/** bin/kite of this checkout (dist/src/cli/up/ -> repository root). */
export const KITE_BIN = fileURLToPath(new URL('../../../../bin/kite', import.meta.url));

export interface ServerLayout {
  dataDir: string;
  pidFile: string;
  logFile: string;
  kubeconfig: string;
  serverCa: string;
  /** The embedded agent's data dir (containerd, pod files, images). */
  agentDir: string;
}

export function serverLayout(dataDir: string): ServerLayout {
  return {
    dataDir,
    pidFile: join(dataDir, 'kite-server.pid'),
    logFile: join(dataDir, 'kite-server.log'),
    kubeconfig: join(dataDir, 'kubeconfig.yaml'),
    serverCa: join(dataDir, 'tls', 'server-ca.crt'),
    agentDir: join(dataDir, 'agent'),
  };
}

function cmdline(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
}

/** True when pid is a live (not zombie) `kite server` on this data dir. */
export function isKiteServer(pid: number, dataDir: string): boolean {
  const argv = cmdline(pid);
  if (!argv || !argv.includes('server')) return false;
  try {
    if (/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return false;
  } catch {
    return false;
  }
  return argv.some((a, i) => (a === '--data-dir' && argv[i + 1] === dataDir) || a === `--data-dir=${dataDir}`);
}

/** Pids of every `kite server` on this data dir: the pid file's, and any other (e.g. one whose pid file was lost). */
export async function findServers(layout: ServerLayout): Promise<number[]> {
  const pids = new Set<number>();
  const fromFile = Number((await readFile(layout.pidFile, 'utf8').catch(() => '')).trim());
  if (fromFile && isKiteServer(fromFile, layout.dataDir)) pids.add(fromFile);
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (pid && pid !== process.pid && isKiteServer(pid, layout.dataDir)) pids.add(pid);
  }
  return [...pids];
}

/** True when the kite containerd of server data dir `dir` is running. */
function runsContainerd(dir: string): boolean {
  try {
    const pid = Number(readFileSync(join(dir, 'agent', 'containerd', 'containerd.pid'), 'utf8'));
    return pid > 0 && (cmdline(pid)?.[0] ?? '').endsWith('containerd');
  } catch {
    return false;
  }
}

function flagValue(argv: string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

// A node given its own pod bridge, subnet, cgroup root and kubelet port (e.g. a test's) shares nothing with the default one.
const NODE_RESOURCE_FLAGS: Array<[string, string]> = [['--pod-bridge', 'kite0'], ['--pod-cidr', '10.42.0.0/16'], ['--cgroup-root', '/kite'], ['--kubelet-port', '10250']];
const ownNodeResources = (argv: string[]): boolean => NODE_RESOURCE_FLAGS.every(([flag, byDefault]) => {
  const v = flagValue(argv, flag);
  return v !== undefined && v !== byDefault;
});

/**
 * Data dirs of other `kite server`s on this host that run a node agent: they own the pod bridge,
 * the pod subnet and the kubelet port, so a second node here would collide with them.
 */
export function otherKiteNodes(dataDir: string): string[] {
  const dirs = new Set<string>();
  for (const name of readdirSync('/proc')) {
    const argv = Number(name) ? cmdline(Number(name)) : undefined;
    if (!argv || !argv.some((a) => a.endsWith('/kite') || a === 'bin/kite') || !argv.includes('server') || argv.includes('--disable-agent')) continue;
    if (ownNodeResources(argv)) continue;
    const dir = flagValue(argv, '--data-dir');
    if (dir && dir !== dataDir && runsContainerd(dir)) dirs.add(dir);
  }
  return [...dirs];
}

/** Starts `kite server` detached from this process (it keeps running after `kite up` exits). */
export async function startServerDetached(layout: ServerLayout, args: string[]): Promise<number> {
  await mkdir(layout.dataDir, { recursive: true, mode: 0o700 });
  const log = openSync(layout.logFile, 'a', 0o600);
  try {
    const child = spawn(process.execPath, [KITE_BIN, 'server', '--data-dir', layout.dataDir, ...args], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, KITE_LOG_LEVEL: process.env.KITE_LOG_LEVEL ?? 'info' },
    });
    child.unref();
    if (!child.pid) throw new Error(`could not start ${KITE_BIN}`);
    await writeFile(layout.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** HTTP status of GET url trusting kite's server CA; 0 when there is no answer. */
export async function httpsStatus(url: string, caFile: string, timeoutMs = 1000): Promise<number> {
  const ca = await readFile(caFile).catch(() => undefined);
  if (!ca) return 0;
  return new Promise((resolve) => {
    const req = httpsGet(url, { ca, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

/** The API server URL the kubeconfig names. */
export async function kubeconfigServer(kubeconfig: string): Promise<string | undefined> {
  const text = await readFile(kubeconfig, 'utf8').catch(() => '');
  return /^\s*server:\s*(\S+)/m.exec(text)?.[1];
}

export function logTail(layout: ServerLayout, lines = 20): string {
  try {
    return readFileSync(layout.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits until `url`/readyz answers 200; fails early (with the log's tail) if the server process ends. */
export async function waitForReadyz(layout: ServerLayout, url: string, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isKiteServer(pid, layout.dataDir)) throw new Error(`kite server exited; the end of ${layout.logFile}:\n${logTail(layout)}`);
    if ((await httpsStatus(`${url}/readyz`, layout.serverCa, 500)) === 200) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`kite server did not answer ${url}/readyz within ${timeoutMs / 1000} s; see ${layout.logFile}`);
}

/** SIGTERM each server, SIGKILL after graceMs; removes the pid file. Resolves to the pids stopped. */
export async function stopServers(layout: ServerLayout, graceMs = 20_000): Promise<number[]> {
  const pids = await findServers(layout);
  await Promise.all(pids.filter(alive).map((pid) => killAndWait(pid, graceMs)));
  await rm(layout.pidFile, { force: true });
  return pids;
}
