// hostPath volumes and their type checks (pkg/volume/hostpath checkType), with the kubelet's
// messages. DirectoryOrCreate makes the directory (0755), FileOrCreate an empty file (0644) in an
// existing directory; "" checks nothing.
import { mkdir, open, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Checks (or creates) `path` for hostPath type `type`; throws with the kubelet's message. */
export async function checkHostPathType(path: string, type: string | undefined): Promise<void> {
  const t = type ?? '';
  if (t === '') return;
  const info = await statOrUndefined(path);
  const isDir = (): boolean => info?.isDirectory() === true;
  const isFile = (): boolean => info?.isFile() === true;
  switch (t) {
    case 'DirectoryOrCreate':
      if (!info) await mkdir(path, { recursive: true, mode: 0o755 });
      else if (!isDir()) throw new Error(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'Directory':
      if (!isDir()) throw new Error(`hostPath type check failed: ${path} is not a directory`);
      return;
    case 'FileOrCreate':
      if (!info) await (await open(path, 'a', 0o644)).close();
      else if (!isFile()) throw new Error(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'File':
      if (!isFile()) throw new Error(`hostPath type check failed: ${path} is not a file`);
      return;
    case 'Socket':
      if (!info?.isSocket()) throw new Error(`hostPath type check failed: ${path} is not a socket file`);
      return;
    case 'CharDevice':
      if (!info?.isCharacterDevice()) throw new Error(`hostPath type check failed: ${path} is not a character device`);
      return;
    case 'BlockDevice':
      if (!info?.isBlockDevice()) throw new Error(`hostPath type check failed: ${path} is not a block device`);
      return;
    default:
      throw new Error(`${t} is an invalid volume type`);
  }
}
