import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { busyboxImage, isStaticElf, MissingBinaryError, pauseImage, webImage, findStaticBinary, WEB_PORT } from './builtin.js';
import { buildOciImage } from './oci-layout.js';
import { readTar } from './tar.js';

const haveBusybox = existsSync('/bin/busybox') && isStaticElf('/bin/busybox');
const haveCatatonit = existsSync('/usr/bin/catatonit');

test('isStaticElf tells static from dynamic binaries', () => {
  assert.equal(isStaticElf(process.execPath), false, 'node is dynamically linked');
  if (haveBusybox) assert.equal(isStaticElf('/bin/busybox'), true);
  assert.equal(isStaticElf('/etc/passwd'), false);
});

test('a missing or dynamic binary gives an error naming the package', () => {
  assert.throws(() => findStaticBinary('thing', ['/nonexistent/thing'], undefined, ' (apt-get install thing)'),
    (err: unknown) => err instanceof MissingBinaryError && /apt-get install thing/.test(err.message));
  assert.throws(() => findStaticBinary('node', [], process.execPath), /not statically linked/);
});

test('busybox and web images share the busybox layer and link every applet', { skip: !haveBusybox && 'busybox-static not installed' }, async () => {
  const bb = await buildOciImage(busyboxImage());
  const web = await buildOciImage(webImage());
  assert.equal(web.layers[0]?.digest, bb.layers[0]?.digest);
  const layer = readTar(readTar(bb.tar).find((e) => e.path.endsWith(bb.layers[0]?.digest.slice(7) ?? '-'))?.content ?? Buffer.alloc(0));
  const sh = layer.find((e) => e.path === 'bin/sh');
  assert.deepEqual([sh?.type, sh?.linkname], ['symlink', '/bin/busybox']);
  assert.ok(layer.some((e) => e.path === 'usr/sbin/httpd' || e.path === 'sbin/httpd' || e.path === 'usr/bin/httpd'));
  assert.equal(layer.find((e) => e.path === 'tmp/')?.mode, 0o1777);
  assert.equal(webImage().config?.exposedPorts?.[0], `${WEB_PORT}/tcp`);
});

test('the pause image runs catatonit in pause mode', { skip: !haveCatatonit && 'catatonit not installed' }, async () => {
  const spec = pauseImage();
  assert.deepEqual(spec.config?.entrypoint, ['/catatonit', '-P']);
  const image = await buildOciImage(spec);
  assert.equal(image.name, 'kite.local/pause:1.0');
  assert.equal(image.layers.length, 1);
});
