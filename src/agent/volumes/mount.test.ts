import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fakeContext, b64, testPod } from '../kuberuntime/testing.js';
import { canMount, mountPoints, systemMounter } from './mount.js';
import { VolumeManager } from './volume-manager.js';

test('mountPoints decodes octal escapes', () => {
  const info = [
    '22 1 0:21 / /proc rw,nosuid - proc proc rw',
    '90 22 0:50 / /tmp/with\\040space rw - tmpfs tmpfs rw',
  ].join('\n');
  assert.deepEqual(mountPoints(info), ['/proc', '/tmp/with space']);
});

const skip = canMount() ? undefined : 'tmpfs mounting needs root';
if (skip) console.log(`# real tmpfs tests skipped: ${skip}`);

describe('real tmpfs (root)', { skip }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kite-tmpfs-'));
  });
  after(async () => {
    for (const p of mountPoints().filter((m) => m.startsWith(`${dir}/`)).reverse()) await systemMounter.unmount(p);
    await rm(dir, { recursive: true, force: true });
  });

  test('mount with a size and mode, writes past the size fail, unmount', async () => {
    const path = join(dir, 'small');
    await mkdir(path);
    await systemMounter.mountTmpfs(path, { sizeBytes: 1024 * 1024, mode: 0o1777 });
    assert.equal(await systemMounter.isMountPoint(path), true);
    assert.equal((await stat(path)).mode & 0o7777, 0o1777);
    await writeFile(join(path, 'ok'), Buffer.alloc(512 * 1024));
    await assert.rejects(writeFile(join(path, 'too-big'), Buffer.alloc(2 * 1024 * 1024)), { code: 'ENOSPC' });
    await systemMounter.unmount(path);
    assert.equal(await systemMounter.isMountPoint(path), false);
    await assert.rejects(stat(join(path, 'ok')), { code: 'ENOENT' }, 'the contents went with the tmpfs');
    await systemMounter.unmount(path); // idempotent
  });

  test('a secret volume is a tmpfs until teardown', async () => {
    const ctx = fakeContext({ secrets: [{ metadata: { namespace: 'default', name: 's' }, data: { k: b64('v') } }] });
    const vm = new VolumeManager({ dataDir: dir, context: ctx });
    const pod = testPod({ volumes: [{ name: 's', secret: { secretName: 's' } }], containers: [{ name: 'app', volumeMounts: [{ name: 's', mountPath: '/s' }] }] }, { uid: 'real-tmpfs' });
    const vols = await vm.setUpPod(pod);
    const path = vols.get('s')?.hostPath ?? '';
    assert.equal(await systemMounter.isMountPoint(path), true);
    assert.equal(await readFile(join(path, 'k'), 'utf8'), 'v');
    await vm.setUpPod(pod);
    assert.equal(mountPoints().filter((m) => m === path).length, 1, 'not mounted twice');
    await vm.tearDownPod('real-tmpfs');
    assert.equal(await systemMounter.isMountPoint(path), false);
    await assert.rejects(stat(path), { code: 'ENOENT' });
  });
});
