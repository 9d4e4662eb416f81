// Builds OCI image layouts (oci-layout, index.json, blobs/sha256/...) as a tar in memory, without
// docker: each layer is an uncompressed tar, so its digest is also its diff_id. Output is
// reproducible (fixed mtimes and owners): building the same image twice gives the same digests.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { createTar, type TarEntry } from './tar.js';

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

export interface ImageFile {
  /** Path inside the image, e.g. "/bin/busybox". */
  path: string;
  /** File content; or `source`, a host file to copy. */
  content?: string | Buffer;
  source?: string;
  /** Makes this path a symlink to the given target. */
  symlink?: string;
  /** Makes this path an (empty) directory. */
  dir?: boolean;
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface ImageLayer { files: ImageFile[] }

export interface ImageConfig {
  entrypoint?: string[];
  cmd?: string[];
  /** "KEY=value" entries. */
  env?: string[];
  user?: string;
  workingDir?: string;
  /** E.g. ["8080/tcp"]. */
  exposedPorts?: string[];
  labels?: Record<string, string>;
}

export interface OciImageSpec {
  /** Image reference; normalized like containerd does ("busybox" -> "docker.io/library/busybox:latest"). */
  name: string;
  layers: ImageLayer[];
  config?: ImageConfig;
  architecture?: string;
  os?: string;
}

export interface Descriptor { mediaType: string; digest: string; size: number; annotations?: Record<string, string>; platform?: { architecture: string; os: string } }

export interface BuiltOciImage {
  /** The normalized reference containerd will list. */
  name: string;
  /** The OCI layout, tarred. */
  tar: Buffer;
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
}

export const sha256 = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Node's process.arch in OCI/GOARCH spelling. */
export function ociArchitecture(arch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[arch] ?? arch;
}

/** Fully qualifies an image reference as the docker/containerd reference rules do. */
export function normalizeImageRef(ref: string): string {
  const slash = ref.indexOf('/');
  const first = slash === -1 ? '' : ref.slice(0, slash);
  const hasDomain = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let full = hasDomain ? ref : `docker.io/${slash === -1 ? `library/${ref}` : ref}`;
  const lastPart = full.slice(full.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !lastPart.includes('@')) full += ':latest';
  return full;
}

async function layerEntries(layer: ImageLayer): Promise<TarEntry[]> {
  const byPath = new Map<string, TarEntry>();
  for (const file of layer.files) {
    const path = posix.normalize(file.path).replace(/^\/+/, '').replace(/\/+$/, '');
    if (!path || path === '.') throw new Error(`image file path ${JSON.stringify(file.path)} names the root`);
    const owner = { uid: file.uid ?? 0, gid: file.gid ?? 0 };
    if (file.symlink !== undefined) byPath.set(path, { path, type: 'symlink', linkname: file.symlink, ...owner });
    else if (file.dir) byPath.set(path, { path, type: 'dir', mode: file.mode, ...owner });
    else {
      const content = file.source !== undefined ? await readFile(file.source)
        : Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content ?? '', 'utf8');
      byPath.set(path, { path, type: 'file', mode: file.mode, content, ...owner });
    }
  }
  for (const path of [...byPath.keys()]) {
    for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir)) {
      if (!byPath.has(dir)) byPath.set(dir, { path: dir, type: 'dir' });
    }
  }
  // A path sorts after its parent, so parents come first in the archive.
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

export async function buildOciImage(spec: OciImageSpec): Promise<BuiltOciImage> {
  const name = normalizeImageRef(spec.name);
  const architecture = spec.architecture ?? ociArchitecture();
  const os = spec.os ?? 'linux';
  const blobs = new Map<string, Buffer>();
  const addBlob = (mediaType: string, data: Buffer): Descriptor => {
    const digest = sha256(data);
    blobs.set(digest, data);
    return { mediaType, digest, size: data.length };
  };

  const layers: Descriptor[] = [];
  for (const layer of spec.layers) layers.push(addBlob(MEDIA_TYPES.layer, createTar(await layerEntries(layer))));

  const c = spec.config ?? {};
  const imageConfig = {
    architecture,
    os,
    config: {
      ...(c.user !== undefined && { User: c.user }),
      ...(c.exposedPorts && { ExposedPorts: Object.fromEntries(c.exposedPorts.map((p) => [p.includes('/') ? p : `${p}/tcp`, {}])) }),
      Env: c.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ...(c.entrypoint && { Entrypoint: c.entrypoint }),
      ...(c.cmd && { Cmd: c.cmd }),
      ...(c.workingDir !== undefined && { WorkingDir: c.workingDir }),
      ...(c.labels && { Labels: c.labels }),
    },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    history: layers.map(() => ({ created_by: 'kite buildOciImage' })),
  };
  const config = addBlob(MEDIA_TYPES.config, json(imageConfig));
  const manifest = addBlob(MEDIA_TYPES.manifest, json({ schemaVersion: 2, mediaType: MEDIA_TYPES.manifest, config, layers }));

  const tag = name.includes('@') ? '' : name.slice(name.lastIndexOf(':') + 1);
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: [{
      ...manifest,
      platform: { architecture, os },
      // containerd's importer takes the image name from this annotation.
      annotations: { 'io.containerd.image.name': name, ...(tag && { 'org.opencontainers.image.ref.name': tag }) },
    }],
  };
  const entries: TarEntry[] = [
    { path: 'oci-layout', type: 'file', content: json({ imageLayoutVersion: '1.0.0' }) },
    { path: 'index.json', type: 'file', content: json(index) },
    { path: 'blobs', type: 'dir' },
    { path: 'blobs/sha256', type: 'dir' },
    ...[...blobs].map(([digest, data]): TarEntry => ({ path: `blobs/sha256/${digest.slice('sha256:'.length)}`, type: 'file', content: data })),
  ];
  return { name, tar: createTar(entries), manifest, config, layers };
}

/** Builds the image and writes its OCI layout tar to `path`. */
export async function writeOciImage(spec: OciImageSpec, path: string): Promise<BuiltOciImage> {
  const image = await buildOciImage(spec);
  await writeFile(path, image.tar);
  return image;
}
