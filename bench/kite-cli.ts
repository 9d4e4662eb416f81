// Runs the built `kite` CLI as a child process and times it (benchmarks of kite up/down).
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { KITE_BIN } from '../test/util/kite-server.js';

export interface KiteRun { code: number; out: string; ms: number }

/** `kite ARGS` with extra env; resolves with its exit code, combined output and wall time. */
export function kite(args: string[], env: Record<string, string>): Promise<KiteRun> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KITE_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, out, ms: performance.now() - t0 }));
  });
}
