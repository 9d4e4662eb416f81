// Mounting tmpfs for memory-backed volumes (emptyDir medium Memory, secret, downwardAPI,
// projected) and unmounting on teardown. Done with the mount(8)/umount(8) commands, as the
// kubelet's mount-utils does: Node has no mount(2) binding, and a native addon (the npm mount
// packages are unmaintained C++ builds) would be a compiled dependency for two system calls.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TmpfsOptions {
  /** Bytes; absent: the kernel's default (half of RAM). */
  sizeBytes?: number;
  /** Mode of the mount's root directory (e.g. 0o777 for emptyDir, 0o755 for secrets). */
  mode?: number;
}

/** The few mount operations volumes need, as an interface so unit tests run without root. */
export interface Mounter {
  mountTmpfs(path: string, opts?: TmpfsOptions): Promise<void>;
  unmount(path: string): Promise<void>;
  isMountPoint(path: string): Promise<boolean>;
}

/** Mount points from /proc/self/mountinfo (octal escapes such as \040 decoded). */
export function mountPoints(mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const field = line.split(' ')[4];
    if (field) out.push(field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8))));
  }
  return out;
}

/**
 * mountPoints() read without blocking the event loop: with many pods mountinfo is long, and
 * reading it waits on the kernel's mount lock while containerd mounts and unmounts rootfs.
 */
export async function readMountPoints(): Promise<string[]> {
  return mountPoints(await readFile('/proc/self/mountinfo', 'utf8'));
}

const commandError = (what: string, err: unknown): Error => {
  const e = err as { stderr?: string; message?: string };
  return new Error(`${what} failed: ${(e.stderr ?? '').trim() || e.message || String(err)}`);
};

/** The real mounter (needs root / CAP_SYS_ADMIN). */
export const systemMounter: Mounter = {
  async mountTmpfs(path, opts = {}) {
    const options = [`mode=${(opts.mode ?? 0o755).toString(8).padStart(4, '0')}`];
    if (opts.sizeBytes !== undefined && opts.sizeBytes > 0) options.push(`size=${opts.sizeBytes}`);
    try {
      await run('mount', ['-t', 'tmpfs', '-o', options.join(','), 'tmpfs', path]);
    } catch (err) {
      throw commandError(`mount -t tmpfs ${path}`, err);
    }
  },
  async unmount(path) {
    try {
      await run('umount', [path]);
    } catch (err) {
      if (!(await systemMounter.isMountPoint(path))) return; // already gone
      throw commandError(`umount ${path}`, err);
    }
  },
  isMountPoint: async (path) => (await readMountPoints()).includes(path),
};

/** True when this process may mount (root). */
export const canMount = (): boolean => process.getuid?.() === 0;
