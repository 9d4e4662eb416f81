// Images kite builds from the host's static binaries, so a node runs pods with no registry:
// the pause (sandbox) image from catatonit, a busybox userland, and a tiny web server for demos.
import { execFileSync } from 'node:child_process';
import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import { DEFAULT_SANDBOX_IMAGE } from '../containerd/config.js';
import type { ImageFile, ImageLayer, OciImageSpec } from './oci-layout.js';

export const PAUSE_IMAGE = DEFAULT_SANDBOX_IMAGE;
export const BUSYBOX_IMAGE = 'kite.local/busybox:latest';
export const WEB_IMAGE = 'kite.local/hello-web:1.0';
export const WEB_PORT = 8080;

const CATATONIT_PATHS = ['/usr/bin/catatonit', '/usr/libexec/podman/catatonit'];
const BUSYBOX_PATHS = ['/bin/busybox', '/usr/bin/busybox'];

export class MissingBinaryError extends Error {
  override readonly name = 'MissingBinaryError';
}

/** Finds the first existing path among candidates (after an explicit override) that is a static binary. */
export function findStaticBinary(what: string, candidates: string[], override?: string, hint = ''): string {
  const paths = override ? [override] : candidates;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    if (!isStaticElf(path)) throw new MissingBinaryError(`${path} is not statically linked, so it cannot run inside an image${hint}`);
    return path;
  }
  throw new MissingBinaryError(`${what} not found (looked in ${paths.join(', ')})${hint}`);
}

/** True for an ELF file without a PT_INTERP program header (no dynamic loader needed). */
export function isStaticElf(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(64);
    readSync(fd, head, 0, 64, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2 || head[5] !== 1) return false; // 64-bit little-endian ELF only
    const phoff = Number(head.readBigUInt64LE(32));
    const phentsize = head.readUInt16LE(54);
    const phnum = head.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    readSync(fd, table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) if (table.readUInt32LE(i * phentsize) === 3) return false; // PT_INTERP
    return true;
  } finally {
    closeSync(fd);
  }
}

export function catatonitPath(override = process.env.KITE_CATATONIT): string {
  return findStaticBinary('catatonit', CATATONIT_PATHS, override, ' (Debian: apt-get install catatonit)');
}

export function busyboxPath(override = process.env.KITE_BUSYBOX): string {
  return findStaticBinary('busybox', BUSYBOX_PATHS, override, ' (Debian: apt-get install busybox-static)');
}

/** The sandbox image: catatonit as PID 1 of every pod, reaping zombies (-P: pause mode). */
export function pauseImage(catatonit = catatonitPath()): OciImageSpec {
  return {
    name: PAUSE_IMAGE,
    layers: [{ files: [{ path: '/catatonit', source: catatonit, mode: 0o755 }] }],
    config: { entrypoint: ['/catatonit', '-P'], user: '65535:65535' },
  };
}

/** /bin/busybox, one symlink per applet where busybox itself installs it, and a minimal /etc. */
export function busyboxLayer(busybox = busyboxPath()): ImageLayer {
  const applets = execFileSync(busybox, ['--list-full'], { encoding: 'utf8' }).split('\n').map((l) => l.trim()).filter(Boolean);
  const files: ImageFile[] = [{ path: '/bin/busybox', source: busybox, mode: 0o755 }];
  for (const applet of applets) {
    if (applet !== 'bin/busybox') files.push({ path: `/${applet}`, symlink: '/bin/busybox' });
  }
  files.push(
    { path: '/etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' },
    { path: '/etc/group', content: 'root:x:0:\nnogroup:x:65534:\n' },
    { path: '/root', dir: true, mode: 0o700 },
    { path: '/tmp', dir: true, mode: 0o1777 },
    { path: '/var', dir: true },
  );
  return { files };
}

export function busyboxImage(busybox = busyboxPath()): OciImageSpec {
  return { name: BUSYBOX_IMAGE, layers: [busyboxLayer(busybox)], config: { cmd: ['sh'] } };
}

export const WEB_PAGE = `<!doctype html>
<html><head><title>kite</title></head>
<body><h1>Hello from kite</h1><p>Served by busybox httpd in a kite pod.</p></body></html>
`;

/**
 * busybox httpd serving /www on port 8080 as nobody; shares its busybox layer with busyboxImage.
 * A shell is PID 1 so that SIGTERM ends the container at once: httpd as PID 1 has no handler, and
 * the kernel ignores unhandled signals for PID 1, so every delete would wait out the grace period.
 */
export function webImage(busybox = busyboxPath(), page = WEB_PAGE): OciImageSpec {
  return {
    name: WEB_IMAGE,
    layers: [busyboxLayer(busybox), { files: [{ path: '/www/index.html', content: page }] }],
    config: {
      entrypoint: ['/bin/busybox', 'sh', '-c', `trap 'exit 0' TERM; /bin/busybox httpd -f -v -p ${WEB_PORT} -h /www & wait $!`],
      user: '65534:65534',
      exposedPorts: [`${WEB_PORT}/tcp`],
    },
  };
}
