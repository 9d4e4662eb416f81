// Tear-down helpers. containerd 1.6 keeps a few things outside its root and state: shim sockets in
// /run/containerd/s, I/O fifos in /run/containerd/fifo and libcni's result cache in
// /var/lib/cni/results. Each is removed here only when it provably belongs to one of kite's own
// sandboxes or containers (by id, or by the hash containerd derives from kite's socket path), so a
// system containerd or another kite on the same host is never touched.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { CNI_NETWORK_NAME, CRI_NAMESPACE, type ContainerdPaths } from './paths.js';

const run = promisify(execFile);

export const SHIM_SOCKET_DIR = '/run/containerd/s';
export const FIFO_DIR = '/run/containerd/fifo';
export const CNI_RESULTS_DIR = '/var/lib/cni/results';
// containerd's CRI plugin sets up the pod's lo through its own network of this name.
const LOOPBACK_NETWORK = 'cni-loopback';

/** Stops and removes every pod sandbox the runtime knows (with their containers); tries them all. */
export async function removeAllPodSandboxes(runtime: ContainerRuntime): Promise<string[]> {
  const ids = (await runtime.listPodSandbox()).map((s) => s.id);
  const errors: unknown[] = [];
  for (const id of ids) {
    try {
      await runtime.stopPodSandbox(id);
      await runtime.removePodSandbox(id);
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `failed to remove ${errors.length} of ${ids.length} pod sandboxes`);
  return ids;
}

/** Where containerd 1.6 puts the shim socket of task `id` for a containerd listening on `socket`. */
export function shimSocketPath(socket: string, id: string, namespace = CRI_NAMESPACE): string {
  const hash = createHash('sha256').update(join(socket, namespace, id)).digest('hex');
  return join(SHIM_SOCKET_DIR, hash);
}

const listDir = (dir: string): Promise<string[]> => readdir(dir).catch(() => []);

/** Ids of every task, sandbox and container that kite's containerd has state for. */
export async function knownIds(paths: ContainerdPaths): Promise<string[]> {
  const dirs = [
    join(paths.state, 'io.containerd.runtime.v2.task', CRI_NAMESPACE),
    join(paths.root, 'io.containerd.grpc.v1.cri', 'sandboxes'),
    join(paths.root, 'io.containerd.grpc.v1.cri', 'containers'),
  ];
  const ids = new Set<string>();
  for (const dir of dirs) for (const name of await listDir(dir)) ids.add(name);
  return [...ids];
}

/** Live shims serving kite's containerd (found by their -address argument). */
function liveShimIds(socket: string): Set<string> {
  const ids = new Set<string>();
  for (const pid of readdirSyncSafe('/proc').filter((p) => /^\d+$/.test(p))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!argv[0]?.includes('containerd-shim')) continue;
    const address = argv[argv.indexOf('-address') + 1];
    const id = argv[argv.indexOf('-id') + 1];
    if (address === socket && id) ids.add(id);
  }
  return ids;
}

function readdirSyncSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export interface LeftoverCleanupOptions {
  paths: ContainerdPaths;
  /** Ids to clean after; default every id kite's containerd has state for (knownIds). */
  ids?: string[];
  networkName?: string;
}

/**
 * Removes shim sockets, fifo dirs and CNI result files of kite's own (no longer running) sandboxes and
 * containers. Call after their pods were removed, or after containerd was stopped for good.
 * Resolves to the paths removed.
 */
export async function cleanupLeftovers(opts: LeftoverCleanupOptions): Promise<string[]> {
  const ids = new Set(opts.ids ?? (await knownIds(opts.paths)));
  const live = liveShimIds(opts.paths.socket);
  const removed: string[] = [];
  const remove = async (path: string, recursive = false): Promise<void> => {
    try {
      await rm(path, { recursive });
      removed.push(path);
    } catch {
      // already gone
    }
  };

  for (const id of ids) if (!live.has(id)) await remove(shimSocketPath(opts.paths.socket, id));

  // Each fifo dir holds "<id>-stdin", "<id>-stdout", "<id>-stderr" of one process.
  for (const dir of await listDir(FIFO_DIR)) {
    const names = await listDir(join(FIFO_DIR, dir));
    const owner = names.length > 0 && [...ids].find((id) => names.every((n) => n.startsWith(`${id}-`)));
    if (owner && !live.has(owner)) await remove(join(FIFO_DIR, dir), true);
  }

  const network = opts.networkName ?? CNI_NETWORK_NAME;
  for (const name of await listDir(CNI_RESULTS_DIR)) {
    for (const id of ids) {
      if (name.startsWith(`${network}-${id}-`) || name.startsWith(`${LOOPBACK_NETWORK}-${id}-`)) {
        await remove(join(CNI_RESULTS_DIR, name));
        break;
      }
    }
  }
  // Shared parents go only when empty (a system containerd may use them).
  for (const dir of [SHIM_SOCKET_DIR, FIFO_DIR, '/run/containerd', CNI_RESULTS_DIR, '/var/lib/cni']) {
    await rmdir(dir).catch(() => undefined);
  }
  return removed;
}

/** Deletes kite's pod bridge (e.g. when a test or `kite uninstall` tears the node down). */
export async function removeBridge(name: string): Promise<boolean> {
  try {
    await run('ip', ['link', 'delete', name, 'type', 'bridge']);
    return true;
  } catch {
    return false;
  }
}
