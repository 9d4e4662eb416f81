// The kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go): a volume's files live in a
// timestamped directory, "..data" is a symlink to it and each top-level name is a symlink through
// "..data". An update writes a new timestamped directory and renames a new "..data" over the old
// one, so a reader sees the old set of files or the new one, never a mix.
import { randomBytes } from 'node:crypto';
import { chmod, chown, lstat, mkdir, readFile, readdir, readlink, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';

export const DATA_DIR_NAME = '..data';
const NEW_DATA_DIR_NAME = '..data_tmp';
const MAX_FILE_NAME = 255;
const MAX_PATH = 4096;

export interface FileProjection {
  data: Buffer;
  /** File mode (e.g. 0o644). */
  mode: number;
  /** Owner to chown the file to (serviceAccountToken with runAsUser). */
  fsUser?: number;
}

/** Relative path -> file. */
export type Payload = Map<string, FileProjection>;

export function validatePayloadPath(path: string): void {
  if (path === '') throw new Error(`invalid path: must not be empty: "${path}"`);
  if (isAbsolute(path)) throw new Error(`invalid path: must be relative path: ${path}`);
  if (path.length > MAX_PATH) throw new Error(`invalid path: must be less than or equal to ${MAX_PATH} characters`);
  const items = path.split('/');
  for (const item of items) {
    if (item === '..') throw new Error(`invalid path: must not contain '..': ${path}`);
    if (item.length > MAX_FILE_NAME) throw new Error(`invalid path: filenames must be less than or equal to ${MAX_FILE_NAME} characters`);
  }
  if ((items[0] as string).startsWith('..') && (items[0] as string).length > 2) throw new Error(`invalid path: must not start with '..': ${path}`);
}

/** Cleans "a//b/./c" to "a/b/c" (filepath.Clean of a relative path). */
const clean = (p: string): string => p.split('/').filter((s) => s !== '' && s !== '.').join('/');

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Relative paths of the regular files under dir. */
async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(dir, rel)));
    else out.push(rel);
  }
  return out;
}

async function needsWrite(tsDir: string, payload: Payload): Promise<boolean> {
  const old = new Set(await filesUnder(tsDir));
  if (old.size !== payload.size) return true;
  for (const [path, file] of payload) {
    if (!old.has(path)) return true;
    const full = join(tsDir, path);
    if (((await stat(full)).mode & 0o7777) !== file.mode) return true;
    if (!(await readFile(full)).equals(file.data)) return true;
  }
  return false;
}

/** "..2024_01_02_15_04_05.<random>", as Go's MkdirTemp with the kubelet's time format. */
function timestampedName(now = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const t = `${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}`;
  return `..${t}.${randomBytes(5).readUInt32BE(0)}`;
}

/**
 * Writes `payload` into `targetDir` atomically. Resolves to true when something changed, false
 * when the directory already held exactly this payload.
 */
export async function writeAtomically(targetDir: string, payloadIn: Payload): Promise<boolean> {
  const payload: Payload = new Map();
  for (const [path, file] of payloadIn) {
    validatePayloadPath(path);
    payload.set(clean(path), file);
  }
  await mkdir(targetDir, { recursive: true });
  const dataLink = join(targetDir, DATA_DIR_NAME);
  const oldTs = (await exists(dataLink)) ? await readlink(dataLink) : undefined;
  const oldTsPath = oldTs ? join(targetDir, oldTs) : undefined;
  const oldVisible = new Set<string>();
  if (oldTsPath && (await exists(oldTsPath))) for (const f of await filesUnder(oldTsPath)) oldVisible.add(f.split('/')[0] as string);
  const newVisible = new Set([...payload.keys()].map((p) => p.split('/')[0] as string));

  const changed = !oldTsPath || !(await exists(oldTsPath)) || (await needsWrite(oldTsPath, payload));
  if (changed) {
    const tsName = timestampedName();
    const tsDir = join(targetDir, tsName);
    await mkdir(tsDir, { mode: 0o755 });
    await chmod(tsDir, 0o755);
    for (const [path, file] of payload) {
      const full = join(tsDir, path);
      await mkdir(dirname(full), { recursive: true, mode: 0o755 });
      await writeFile(full, file.data, { mode: file.mode });
      await chmod(full, file.mode); // not narrowed by the umask
      if (file.fsUser !== undefined) await chown(full, file.fsUser, -1);
    }
    const tmpLink = join(targetDir, NEW_DATA_DIR_NAME);
    await rm(tmpLink, { force: true });
    await symlink(tsName, tmpLink);
    await rename(tmpLink, dataLink); // the atomic switch
  }
  for (const name of newVisible) {
    const visible = join(targetDir, name);
    if (!(await exists(visible))) await symlink(join(DATA_DIR_NAME, name), visible);
  }
  for (const name of oldVisible) {
    if (!newVisible.has(name)) await unlink(join(targetDir, name)).catch(() => undefined);
  }
  if (changed && oldTsPath) await rm(oldTsPath, { recursive: true, force: true });
  return changed;
}
