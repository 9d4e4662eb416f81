// A throw-away OCI registry for tests: Debian's `docker-registry` (distribution 2.8) on a free
// 127.0.0.1 port with its own storage dir, optionally behind htpasswd basic auth, and a push of an
// image kite builds itself (oci-layout.ts), so pull tests need neither docker, skopeo nor the network.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuiltOciImage, type Descriptor, type OciImageSpec, buildOciImage, sha256 } from '../../src/agent/images/oci-layout.js';
import { readTar } from '../../src/agent/images/tar.js';
import { freePort } from './kite-server.js';

export const REGISTRY_BIN = '/usr/bin/docker-registry';
export const HTPASSWD_BIN = '/usr/bin/htpasswd';

/** Why registry tests cannot run here, or undefined when they can. */
export function registrySkipReason(): string | undefined {
  if (!existsSync(REGISTRY_BIN)) return `${REGISTRY_BIN} is missing (apt-get install docker-registry)`;
  if (!existsSync(HTPASSWD_BIN)) return `${HTPASSWD_BIN} is missing (apt-get install apache2-utils)`;
  return undefined;
}

export interface RegistryAuth { username: string; password: string }

export interface TestRegistry {
  /** "127.0.0.1:PORT" (or listenHost:PORT), the registry part of image references. */
  host: string;
  url: string;
  auth?: RegistryAuth;
  output: () => string;
  /** Pushes a kite-built image as `<host>/<repository>:<tag>`; resolves to what was pushed. */
  push(spec: OciImageSpec, repository: string, tag: string): Promise<BuiltOciImage>;
  stop(): Promise<void>;
}

function configYaml(address: string, storage: string, htpasswdFile?: string): string {
  return `version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${JSON.stringify(storage)}
  delete:
    enabled: true
http:
  addr: ${address}
${htpasswdFile ? `auth:
  htpasswd:
    realm: kite-test
    path: ${JSON.stringify(htpasswdFile)}
` : ''}`;
}

export interface TestRegistryOptions {
  auth?: RegistryAuth;
  /** Address to listen on and to name the registry by (default 127.0.0.1, which containerd reaches over plain HTTP by itself). */
  listenHost?: string;
}

export async function startTestRegistry(opts: TestRegistryOptions = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'kite-registry-'));
  const port = await freePort();
  let htpasswdFile: string | undefined;
  if (opts.auth) {
    htpasswdFile = join(dir, 'htpasswd');
    // distribution accepts only bcrypt entries (-B).
    await writeFile(htpasswdFile, execFileSync(HTPASSWD_BIN, ['-Bbn', opts.auth.username, opts.auth.password], { encoding: 'utf8' }));
  }
  const configFile = join(dir, 'config.yml');
  const host = `${opts.listenHost ?? '127.0.0.1'}:${port}`;
  await writeFile(configFile, configYaml(host, join(dir, 'storage'), htpasswdFile));
  let out = '';
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://${host}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForV2(url, child, () => out);
  } catch (err) {
    await stop();
    throw err;
  }
  const client = new RegistryClient(url, opts.auth);
  return {
    host, url, auth: opts.auth, output: () => out, stop,
    push: async (spec, repository, tag) => {
      const image = await buildOciImage(spec);
      await client.pushImage(repository, tag, image);
      return image;
    },
  };
}

/** /v2/ answers 200, or 401 behind auth, once the registry serves. */
async function waitForV2(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}:\n${output()}`);
    const status = await fetch(`${url}/v2/`).then((r) => r.status, () => 0);
    if (status === 200 || status === 401) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not answer /v2/ in 15 s:\n${output()}`);
}

/**
 * The push half of the OCI distribution API (monolithic blob uploads, then the manifest).
 * Hand-written: no maintained JavaScript registry client is among our dependencies, and a push is
 * three requests per blob plus one for the manifest.
 */
export class RegistryClient {
  readonly #url: string;
  readonly #authHeader: Record<string, string>;

  constructor(url: string, auth?: RegistryAuth) {
    this.#url = url;
    this.#authHeader = auth ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` } : {};
  }

  async #request(method: string, pathOrUrl: string, init: { body?: Buffer; headers?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(pathOrUrl, this.#url);
    return fetch(target, { method, headers: { ...this.#authHeader, ...init.headers }, body: init.body, redirect: 'manual' });
  }

  async #expect(res: Response, ok: number[], what: string): Promise<Response> {
    if (!ok.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
    return res;
  }

  async blobExists(repository: string, digest: string): Promise<boolean> {
    const res = await this.#request('HEAD', `/v2/${repository}/blobs/${digest}`);
    return res.status === 200;
  }

  async pushBlob(repository: string, data: Buffer, digest = sha256(data)): Promise<string> {
    if (await this.blobExists(repository, digest)) return digest;
    const start = await this.#expect(await this.#request('POST', `/v2/${repository}/blobs/uploads/`), [202], `start upload to ${repository}`);
    const location = start.headers.get('location');
    if (!location) throw new Error(`start upload to ${repository}: no Location header`);
    const target = new URL(location, this.#url);
    target.searchParams.set('digest', digest);
    await this.#expect(await this.#request('PUT', target.toString(), {
      body: data, headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
    }), [201], `upload ${digest} to ${repository}`);
    return digest;
  }

  async pushManifest(repository: string, reference: string, manifest: Buffer, mediaType: string): Promise<string> {
    const res = await this.#expect(await this.#request('PUT', `/v2/${repository}/manifests/${reference}`, {
      body: manifest, headers: { 'content-type': mediaType },
    }), [201], `put manifest ${repository}:${reference}`);
    return res.headers.get('docker-content-digest') ?? sha256(manifest);
  }

  /** Uploads every layer, the config, then the manifest under `tag`. */
  async pushImage(repository: string, tag: string, image: BuiltOciImage): Promise<void> {
    const blobs = blobsOfLayout(image.tar);
    const need = (d: Descriptor): Buffer => {
      const data = blobs.get(d.digest);
      if (!data) throw new Error(`image layout lacks blob ${d.digest}`);
      return data;
    };
    for (const layer of image.layers) await this.pushBlob(repository, need(layer), layer.digest);
    await this.pushBlob(repository, need(image.config), image.config.digest);
    await this.pushManifest(repository, tag, need(image.manifest), image.manifest.mediaType);
  }
}

/** The blobs/sha256/<hex> files of an OCI layout tar, by digest. */
function blobsOfLayout(tar: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of readTar(tar)) {
    const m = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(entry.path);
    if (m && entry.type === 'file') out.set(`sha256:${m[1]}`, entry.content);
  }
  return out;
}
