// Pod cgroups: the agent gives each sandbox a cgroup parent (e.g. /kite/pod<uid>); containerd creates
// and removes the container cgroups below it but never the parent itself, so the agent removes it
// after RemovePodSandbox (as the kubelet's pod container manager does). cgroupfs driver only.
import { readFileSync } from 'node:fs';
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

let hostCgroupMounts: string[] | undefined;

/**
 * Mount points of every cgroup hierarchy (v1 controllers, the v2 unified tree, named v1 trees).
 * This host's are read once per process: cgroup hierarchies are mounted at boot and do not move,
 * while /proc/self/mountinfo grows with every pod (rootfs, shm, netns, volumes) and reading it
 * takes the kernel's mount lock that containerd's mounts contend for.
 */
export function cgroupMountPoints(mountinfo?: string): string[] {
  if (mountinfo === undefined) return [...(hostCgroupMounts ??= parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8')))];
  return parseCgroupMounts(mountinfo);
}

function parseCgroupMounts(mountinfo: string): string[] {
  const points: string[] = [];
  for (const line of mountinfo.split('\n')) {
    // "<id> <parent> <maj:min> <root> <mount point> <options> [optional...] - <fstype> <source> <super options>"
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fstype = right.split(' ')[0];
    if (fstype === 'cgroup' || fstype === 'cgroup2') points.push(left.split(' ')[4] as string);
  }
  return points;
}

function sanitize(cgroupParent: string): string {
  const rel = cgroupParent.replace(/^\/+/, '');
  if (!rel || rel.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`refusing to remove cgroup ${JSON.stringify(cgroupParent)}`);
  }
  return rel;
}

async function removeTree(dir: string): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  for (const entry of entries) if (entry.isDirectory()) await removeTree(join(dir, entry.name));
  // A cgroup whose last process just exited can report EBUSY for a moment.
  for (let attempt = 0; ; attempt++) {
    try {
      await rmdir(dir);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return false;
      if (code !== 'EBUSY' || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Removes the cgroup `cgroupParent` (and any empty cgroups under it) from every hierarchy.
 * Resolves to the directories removed. Fails with EBUSY if processes still live in it.
 */
export async function removeCgroup(cgroupParent: string, mountPoints = cgroupMountPoints()): Promise<string[]> {
  const rel = sanitize(cgroupParent);
  const removed: string[] = [];
  for (const mount of mountPoints) {
    const dir = join(mount, rel);
    if (await removeTree(dir)) removed.push(dir);
  }
  return removed;
}
