// A small POSIX ustar (+ pax for long names) writer and reader for image layers and OCI layouts.
// Hand-written rather than tar-stream (installed only as a transitive dev dependency): image digests
// must be reproducible, so every header field (mtime, uid, names) is fixed here, and the format
// needed (regular files, directories, symlinks) fits in these few lines.

export type TarEntryType = 'file' | 'dir' | 'symlink';

export interface TarEntry {
  /** Relative path inside the archive, without a leading "/"; directories may omit the trailing "/". */
  path: string;
  type: TarEntryType;
  /** Permission bits; default 0o644 for files, 0o755 for directories, 0o777 for symlinks. */
  mode?: number;
  content?: Buffer;
  /** Target of a symlink. */
  linkname?: string;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch; default 0 so archives are byte-for-byte reproducible. */
  mtime?: number;
}

const BLOCK = 512;
const TYPE_FLAGS: Record<TarEntryType, string> = { file: '0', dir: '5', symlink: '2' };
const DEFAULT_MODES: Record<TarEntryType, number> = { file: 0o644, dir: 0o755, symlink: 0o777 };

function octal(value: number, width: number): string {
  // width includes the terminating NUL
  const s = value.toString(8);
  if (s.length > width - 1) throw new Error(`tar: value ${value} does not fit in ${width - 1} octal digits`);
  return `${s.padStart(width - 1, '0')}\0`;
}

/** Splits a path into ustar's prefix (<=155 bytes) and name (<=100 bytes), or undefined if impossible. */
function splitUstarPath(path: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) return { prefix, name };
  }
  return undefined;
}

function header(fields: { name: string; prefix: string; mode: number; uid: number; gid: number; size: number; mtime: number; typeflag: string; linkname: string }): Buffer {
  const buf = Buffer.alloc(BLOCK);
  buf.write(fields.name, 0, 100, 'utf8');
  buf.write(octal(fields.mode, 8), 100, 8, 'ascii');
  buf.write(octal(fields.uid, 8), 108, 8, 'ascii');
  buf.write(octal(fields.gid, 8), 116, 8, 'ascii');
  buf.write(octal(fields.size, 12), 124, 12, 'ascii');
  buf.write(octal(fields.mtime, 12), 136, 12, 'ascii');
  buf.write(' '.repeat(8), 148, 8, 'ascii');
  buf.write(fields.typeflag, 156, 1, 'ascii');
  buf.write(fields.linkname, 157, 100, 'utf8');
  buf.write('ustar\0', 257, 6, 'ascii');
  buf.write('00', 263, 2, 'ascii');
  buf.write(fields.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of buf) sum += byte;
  buf.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return buf;
}

function pad(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** A pax record is "<len> <key>=<value>\n" where <len> counts the whole record, itself included. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/** The blocks of one entry (a pax header first when a name does not fit ustar). */
export function tarEntryBlocks(entry: TarEntry): Buffer[] {
  const path = entry.type === 'dir' && !entry.path.endsWith('/') ? `${entry.path}/` : entry.path;
  if (path.startsWith('/')) throw new Error(`tar: absolute path ${path}`);
  const content = entry.type === 'file' ? entry.content ?? Buffer.alloc(0) : Buffer.alloc(0);
  const linkname = entry.linkname ?? '';
  const blocks: Buffer[] = [];
  const split = splitUstarPath(path);
  let pax = '';
  if (!split) pax += paxRecord('path', path);
  if (Buffer.byteLength(linkname) > 100) pax += paxRecord('linkpath', linkname);
  const common = { mode: entry.mode ?? DEFAULT_MODES[entry.type], uid: entry.uid ?? 0, gid: entry.gid ?? 0, mtime: entry.mtime ?? 0 };
  if (pax) {
    const data = Buffer.from(pax, 'utf8');
    blocks.push(header({ ...common, name: 'PaxHeader', prefix: '', size: data.length, typeflag: 'x', linkname: '' }), data, pad(data.length));
  }
  const names = split ?? { prefix: '', name: path.slice(0, 100) };
  blocks.push(header({ ...common, ...names, size: content.length, typeflag: TYPE_FLAGS[entry.type], linkname: linkname.slice(0, 100) }));
  if (content.length > 0) blocks.push(content, pad(content.length));
  return blocks;
}

/** A whole archive in memory, ending with the two zero blocks. */
export function createTar(entries: TarEntry[]): Buffer {
  return Buffer.concat([...entries.flatMap(tarEntryBlocks), Buffer.alloc(2 * BLOCK)]);
}

function field(buf: Buffer, offset: number, length: number): string {
  const raw = buf.subarray(offset, offset + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul === -1 ? length : nul).toString('utf8');
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const len = Number(data.subarray(i, space).toString('ascii'));
    if (!len) break;
    const record = data.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}

export interface ReadTarEntry { path: string; type: TarEntryType | 'other'; mode: number; content: Buffer; linkname: string }

/** Reads an uncompressed tar (ustar/pax/GNU long names are not all handled: enough for images). */
export function readTar(buf: Buffer): ReadTarEntry[] {
  const entries: ReadTarEntry[] = [];
  let offset = 0;
  let pax: Record<string, string> = {};
  while (offset + BLOCK <= buf.length) {
    const h = buf.subarray(offset, offset + BLOCK);
    if (h.every((b) => b === 0)) break;
    const size = parseInt(field(h, 124, 12) || '0', 8);
    const typeflag = field(h, 156, 1) || '0';
    const data = buf.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + size + pad(size).length;
    if (typeflag === 'x') {
      pax = parsePax(data);
      continue;
    }
    const prefix = field(h, 345, 155);
    const name = field(h, 0, 100);
    const type = typeflag === '0' ? 'file' : typeflag === '5' ? 'dir' : typeflag === '2' ? 'symlink' : 'other';
    entries.push({
      path: pax.path ?? (prefix ? `${prefix}/${name}` : name),
      type,
      mode: parseInt(field(h, 100, 8) || '0', 8),
      content: Buffer.from(data),
      linkname: pax.linkpath ?? field(h, 157, 100),
    });
    pax = {};
  }
  return entries;
}
