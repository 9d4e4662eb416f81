// Imports image archives (OCI layout or `docker save` tar) into containerd's CRI namespace with
// `ctr images import` (ctr ships with containerd). CRI has no import call, and reimplementing
// containerd's content + snapshot APIs here would duplicate what ctr already does correctly.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CRI_NAMESPACE } from '../containerd/paths.js';

export interface ImportOptions {
  /** ctr binary; default /usr/bin/ctr. */
  ctr?: string;
  /** Called as bytes of the archive are handed to ctr. */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
  /** Default 5 minutes. */
  timeoutMs?: number;
}

export interface ImportResult {
  /** Image names created or updated, as containerd reports them. */
  images: string[];
  output: string;
}

function socketPath(endpoint: string): string {
  return endpoint.replace(/^unix:\/\//, '').replace(/^unix:/, '');
}

/** Imports `tarPath` into containerd at `endpoint` (unix socket) and unpacks it for CRI. */
export async function importImage(endpoint: string, tarPath: string, opts: ImportOptions = {}): Promise<ImportResult> {
  const total = (await stat(tarPath)).size;
  const ctr = opts.ctr ?? '/usr/bin/ctr';
  // "-" makes ctr read the archive from stdin, so the bytes it has consumed measure progress.
  const args = ['-a', socketPath(endpoint), '-n', CRI_NAMESPACE, 'images', 'import', '--digests=false', '-'];
  const child = spawn(ctr, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);

  const input = createReadStream(tarPath);
  let done = 0;
  input.on('data', (chunk) => {
    done += chunk.length;
    opts.onProgress?.(done, total);
  });
  input.pipe(child.stdin);
  child.stdin.on('error', () => {
    // ctr exited early (its error is in `output`); the exit code below reports it.
  });

  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  }).finally(() => clearTimeout(timer));
  input.destroy();
  if (code !== 0) throw new Error(`ctr images import ${tarPath} failed (exit ${code}): ${output.trim()}`);
  const images = [...output.matchAll(/^unpacking (\S+) \(sha256:[0-9a-f]+\)/gm)].map((m) => m[1] as string);
  return { images, output };
}
