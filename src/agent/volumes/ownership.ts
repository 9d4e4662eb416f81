// fsGroup (pkg/volume/volume_linux.go SetVolumeOwnership): every file of a writable volume
// becomes group-owned by the pod's fsGroup with group rw (r for read-only volumes), directories
// get setgid and group x so new files inherit the group. Symlinks are chowned but not chmodded
// (chmod would follow them to the file and undo the file's own mode).
import { chmod, lchown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const RW_MASK = 0o660;
const RO_MASK = 0o440;
const EXEC_MASK = 0o110;
const SETGID = 0o2000;

async function change(path: string, fsGroup: number, readOnly: boolean): Promise<void> {
  const info = await lstat(path);
  await lchown(path, -1, fsGroup);
  if (info.isSymbolicLink()) return;
  let mask = readOnly ? RO_MASK : RW_MASK;
  if (info.isDirectory()) mask |= SETGID | EXEC_MASK;
  await chmod(path, (info.mode & 0o7777) | mask);
}

/** Applies fsGroup to `dir` and everything below it (not following symlinks). */
export async function setVolumeOwnership(dir: string, fsGroup: number | undefined, readOnly: boolean): Promise<void> {
  if (fsGroup === undefined || fsGroup === null) return;
  const walk = async (path: string): Promise<void> => {
    await change(path, fsGroup, readOnly);
    const info = await lstat(path);
    if (!info.isDirectory()) return;
    for (const name of await readdir(path)) await walk(join(path, name));
  };
  await walk(dir);
}
