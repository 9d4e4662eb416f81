// Runs kite's own containerd: writes its config, starts it, waits until CRI answers, restarts it with
// backoff when it dies, and stops it by PID. Pods outlive containerd (each has its own shim), so a
// restart or stop() never touches running containers: tearing pods down is the agent's job.
import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CriRuntime } from '../runtime/cri/cri-runtime.js';
import { type ContainerdConfigOptions, writeContainerdFiles } from './config.js';
import { type ContainerdPaths, containerdPaths } from './paths.js';

export interface SupervisorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ContainerdSupervisorOptions extends Omit<ContainerdConfigOptions, 'paths'> {
  /** The agent's data dir; containerd's files go under <dataDir>/containerd and <dataDir>/cni. */
  dataDir: string;
  /** containerd binary; default /usr/bin/containerd. */
  binary?: string;
  /** How long start() waits for CRI Version to answer; default 30 s. */
  startTimeoutMs?: number;
  /** Restart delays after a crash: doubling from initialMs up to maxMs; default 500 ms .. 30 s. */
  restartBackoff?: { initialMs?: number; maxMs?: number };
  /** SIGTERM grace period of stop() before SIGKILL; default 10 s. */
  stopTimeoutMs?: number;
  logger?: SupervisorLogger;
}

export interface ContainerdSupervisorEvents {
  ready: [pid: number];
  exit: [code: number | null, signal: NodeJS.Signals | null];
  'restart-failed': [err: Error];
}

// A run this long counts as healthy: the next crash restarts after the initial delay again.
const HEALTHY_RUN_MS = 60_000;
const silentLogger: SupervisorLogger = { info() {}, warn() {}, error() {} };

export class ContainerdSupervisor extends EventEmitter<ContainerdSupervisorEvents> {
  readonly paths: ContainerdPaths;
  readonly #opts: ContainerdSupervisorOptions;
  readonly #log: SupervisorLogger;
  #child: ChildProcess | undefined;
  #stopping = false;
  // Restarts happen only once a start() succeeded: a failed start is the caller's to handle.
  #supervising = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #restartDelayMs: number;
  #startedAt = 0;

  constructor(opts: ContainerdSupervisorOptions) {
    super();
    this.#opts = opts;
    this.paths = containerdPaths(opts.dataDir);
    this.#log = opts.logger ?? silentLogger;
    this.#restartDelayMs = opts.restartBackoff?.initialMs ?? 500;
  }

  /** `unix://` address of containerd's gRPC (and CRI) socket. */
  get endpoint(): string {
    return `unix://${this.paths.socket}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Writes the config, starts containerd and resolves once CRI answers Version. */
  async start(): Promise<void> {
    this.#stopping = false;
    await writeContainerdFiles({ ...this.#opts, paths: this.paths });
    await this.#stopStale();
    await rotateLog(this.paths.log);
    await this.#spawnAndWait();
    this.#supervising = true;
  }

  async #spawnAndWait(): Promise<void> {
    await rm(this.paths.socket, { force: true });
    const logFd = openSync(this.paths.log, 'a');
    const binary = this.#opts.binary ?? '/usr/bin/containerd';
    let child: ChildProcess;
    try {
      child = spawn(binary, ['--config', this.paths.config], { stdio: ['ignore', logFd, logFd] });
    } finally {
      closeSync(logFd);
    }
    this.#child = child;
    this.#startedAt = Date.now();
    const exited = new Promise<string>((resolve) => {
      child.once('error', (err) => resolve(`failed to run ${binary}: ${err.message}`));
      child.once('exit', (code, signal) => resolve(`containerd exited (code ${code}, signal ${signal})`));
    });
    child.once('exit', (code, signal) => this.#onExit(child, code, signal));
    if (child.pid) await writeFile(this.#pidFile, String(child.pid));
    const failure = await Promise.race([this.#waitForCri(), exited]);
    if (failure) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      throw new Error(`${failure}\n--- ${this.paths.log} (last lines)\n${this.#logTail()}`);
    }
    this.#log.info({ pid: child.pid, endpoint: this.endpoint }, 'containerd ready');
    this.emit('ready', child.pid ?? 0);
  }

  /** Resolves undefined once CRI answers, or a message on timeout. */
  async #waitForCri(): Promise<string | undefined> {
    const timeoutMs = this.#opts.startTimeoutMs ?? 30_000;
    const runtime = new CriRuntime({ endpoint: this.endpoint, requestTimeoutMs: 1000 });
    try {
      return await waitForRuntime(runtime, timeoutMs, () => existsSync(this.paths.socket)) ? undefined
        : `containerd did not answer CRI Version within ${timeoutMs} ms`;
    } finally {
      runtime.close();
    }
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    this.emit('exit', code, signal);
    if (this.#stopping || !this.#supervising) return;
    const maxMs = this.#opts.restartBackoff?.maxMs ?? 30_000;
    if (Date.now() - this.#startedAt > HEALTHY_RUN_MS) this.#restartDelayMs = this.#opts.restartBackoff?.initialMs ?? 500;
    const delay = this.#restartDelayMs;
    this.#restartDelayMs = Math.min(delay * 2, maxMs);
    this.#log.warn({ code, signal, restartInMs: delay }, 'containerd exited unexpectedly; restarting');
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#stopping) return;
      // A failed attempt kills its child, whose exit schedules the next attempt (with a longer delay).
      this.#spawnAndWait().catch((err: Error) => {
        if (this.#stopping) return;
        this.#log.error({ err: err.message }, 'containerd restart failed');
        this.emit('restart-failed', err);
      });
    }, delay);
  }

  /** Stops containerd (SIGTERM, then SIGKILL after the grace period); running pods keep running. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#supervising = false;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (child?.pid) await killAndWait(child.pid, this.#opts.stopTimeoutMs ?? 10_000);
    await rm(this.#pidFile, { force: true });
  }

  get #pidFile(): string {
    return join(this.paths.base, 'containerd.pid');
  }

  /** A containerd left by a previous agent run on the same config would hold our socket: stop it. */
  async #stopStale(): Promise<void> {
    const pid = Number(await readFile(this.#pidFile, 'utf8').catch(() => ''));
    if (!pid || !isOurContainerd(pid, this.paths.config)) return;
    this.#log.warn({ pid }, 'stopping containerd left by a previous run');
    await killAndWait(pid, this.#opts.stopTimeoutMs ?? 10_000);
  }

  #logTail(lines = 30): string {
    try {
      return readFileSync(this.paths.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }
}

const MAX_LOG_BYTES = 20 * 1024 * 1024;

/** Keeps one previous log: containerd.log -> containerd.log.1 once it passed MAX_LOG_BYTES. */
async function rotateLog(path: string): Promise<void> {
  const size = await stat(path).then((s) => s.size, () => 0);
  if (size > MAX_LOG_BYTES) await rename(path, `${path}.1`);
}

/** Polls `Version` (after `precondition`) until it answers or timeoutMs passes; true when it answered. */
export async function waitForRuntime(runtime: CriRuntime, timeoutMs: number, precondition: () => boolean = () => true): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (precondition()) {
      try {
        await runtime.version();
        return true;
      } catch {
        // not serving yet (socket not bound, or the CRI plugin still loading)
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function isOurContainerd(pid: number, configPath: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a, i) => a === '--config' && argv[i + 1] === configPath);
  } catch {
    return false;
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

/** SIGTERM, wait up to graceMs, then SIGKILL; resolves once the process is gone. */
export async function killAndWait(pid: number, graceMs: number): Promise<void> {
  const gone = async (untilMs: number): Promise<boolean> => {
    while (Date.now() < untilMs) {
      if (!alive(pid) || isZombie(pid)) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return !alive(pid);
  };
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  if (await gone(Date.now() + graceMs)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await gone(Date.now() + 5000);
}

function isZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

