import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { buildOciImage, MEDIA_TYPES, normalizeImageRef, ociArchitecture, sha256, writeOciImage, type OciImageSpec } from './oci-layout.js';
import { readTar } from './tar.js';

const dir = mkdtempSync(join(tmpdir(), 'kite-oci-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const spec: OciImageSpec = {
  name: 'kite.local/demo:2',
  layers: [
    { files: [{ path: '/bin/hello', content: '#!/bin/sh\necho hello\n', mode: 0o755 }, { path: '/bin/hi', symlink: '/bin/hello' }] },
    { files: [{ path: '/www/index.html', content: '<h1>hi</h1>\n' }, { path: '/data', dir: true, mode: 0o700, uid: 65534, gid: 65534 }] },
  ],
  config: { entrypoint: ['/bin/hello'], cmd: ['--loud'], env: ['A=1'], user: '65534', workingDir: '/www', exposedPorts: ['8080', '53/udp'] },
};

interface Json { [key: string]: unknown }
const parse = (b: Buffer): Json => JSON.parse(b.toString('utf8')) as Json;

test('the layout tar is valid (tar -tf) and every blob is named by its sha256', async () => {
  const tarPath = join(dir, 'demo.tar');
  const image = await writeOciImage(spec, tarPath);
  const listed = execFileSync('tar', ['-tf', tarPath], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listed.slice(0, 4), ['oci-layout', 'index.json', 'blobs/', 'blobs/sha256/']);
  assert.equal(listed.length, 4 + 4); // manifest, config, two layers

  const out = join(dir, 'layout');
  mkdirSync(out);
  execFileSync('tar', ['-xf', tarPath, '-C', out]);
  assert.deepEqual(parse(readFileSync(join(out, 'oci-layout'))), { imageLayoutVersion: '1.0.0' });
  const blob = (digest: string): Buffer => {
    const data = readFileSync(join(out, 'blobs', 'sha256', digest.replace('sha256:', '')));
    assert.equal(sha256(data), digest, `blob ${digest} content matches its name`);
    return data;
  };

  const index = parse(readFileSync(join(out, 'index.json')));
  const [desc] = index.manifests as Json[];
  assert.equal(index.mediaType, MEDIA_TYPES.index);
  assert.equal(desc?.digest, image.manifest.digest);
  assert.deepEqual(desc?.annotations, { 'io.containerd.image.name': 'kite.local/demo:2', 'org.opencontainers.image.ref.name': '2' });
  assert.deepEqual(desc?.platform, { architecture: ociArchitecture(), os: 'linux' });

  const manifestBytes = blob(image.manifest.digest);
  assert.equal(manifestBytes.length, image.manifest.size);
  const manifest = parse(manifestBytes);
  const config = manifest.config as Json;
  const layers = manifest.layers as Json[];
  assert.equal(manifest.mediaType, MEDIA_TYPES.manifest);
  assert.equal(config.mediaType, MEDIA_TYPES.config);
  assert.equal(blob(config.digest as string).length, config.size);
  for (const l of layers) {
    assert.equal(l.mediaType, MEDIA_TYPES.layer);
    assert.equal(blob(l.digest as string).length, l.size);
  }

  const imageConfig = parse(blob(image.config.digest));
  assert.deepEqual(imageConfig.rootfs, { type: 'layers', diff_ids: layers.map((l) => l.digest) }, 'uncompressed: diff_id = digest');
  assert.deepEqual(imageConfig.config, {
    User: '65534', ExposedPorts: { '8080/tcp': {}, '53/udp': {} }, Env: ['A=1'],
    Entrypoint: ['/bin/hello'], Cmd: ['--loud'], WorkingDir: '/www',
  });
});

test('layers are tars of the files with parents, modes, owners and symlinks', async () => {
  const image = await buildOciImage(spec);
  const layout = readTar(image.tar);
  const layer = (i: number): ReturnType<typeof readTar> => {
    const entry = layout.find((e) => e.path === `blobs/sha256/${image.layers[i]?.digest.slice(7)}`);
    assert.ok(entry);
    return readTar(entry.content);
  };
  assert.deepEqual(layer(0).map((e) => [e.path, e.type, e.mode]), [['bin/', 'dir', 0o755], ['bin/hello', 'file', 0o755], ['bin/hi', 'symlink', 0o777]]);
  assert.equal(layer(0)[2]?.linkname, '/bin/hello');
  assert.deepEqual(layer(1).map((e) => e.path), ['data/', 'www/', 'www/index.html']);

  const out = join(dir, 'rootfs');
  mkdirSync(out);
  const layerPath = join(dir, 'layer1.tar');
  const layerEntry = layout.find((e) => e.path.endsWith(image.layers[1]?.digest.slice(7) ?? '-'));
  assert.ok(layerEntry);
  writeFileSync(layerPath, layerEntry.content);
  execFileSync('tar', ['-xpf', layerPath, '-C', out, '--numeric-owner']);
  assert.equal(readFileSync(join(out, 'www/index.html'), 'utf8'), '<h1>hi</h1>\n');
  const data = statSync(join(out, 'data'));
  assert.deepEqual([data.mode & 0o7777, data.uid], [0o700, 65534]);
  assert.equal(existsSync(join(out, 'bin')), false);
});

test('builds are reproducible: same spec, same digests', async () => {
  const a = await buildOciImage(spec);
  const b = await buildOciImage(spec);
  assert.equal(a.manifest.digest, b.manifest.digest);
  assert.deepEqual(a.tar, b.tar);
  const c = await buildOciImage({ ...spec, config: { ...spec.config, cmd: ['--quiet'] } });
  assert.notEqual(c.manifest.digest, a.manifest.digest);
  assert.deepEqual(c.layers, a.layers, 'a config change keeps the layers');
});

test('image references are normalized like containerd', () => {
  assert.equal(normalizeImageRef('busybox'), 'docker.io/library/busybox:latest');
  assert.equal(normalizeImageRef('me/app:1'), 'docker.io/me/app:1');
  assert.equal(normalizeImageRef('localhost/app'), 'localhost/app:latest');
  assert.equal(normalizeImageRef('127.0.0.1:5000/app:v2'), '127.0.0.1:5000/app:v2');
  assert.equal(normalizeImageRef('kite.local/pause:1.0'), 'kite.local/pause:1.0');
  assert.equal(normalizeImageRef(`busybox@sha256:${'a'.repeat(64)}`), `docker.io/library/busybox@sha256:${'a'.repeat(64)}`);
});

test('a path naming the root is rejected', async () => {
  await assert.rejects(buildOciImage({ name: 'x', layers: [{ files: [{ path: '/', content: '' }] }] }), /root/);
});
