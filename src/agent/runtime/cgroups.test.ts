import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cgroupMountPoints, removeCgroup } from './cgroups.js';

test('cgroup mount points come from mountinfo (v1 controllers and the unified tree)', () => {
  const mountinfo = [
    '25 1 0:23 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
    '26 25 0:24 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory',
    '27 25 0:25 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
    '28 1 8:1 / / rw - ext4 /dev/vda rw',
  ].join('\n');
  assert.deepEqual(cgroupMountPoints(mountinfo), ['/sys/fs/cgroup/memory', '/sys/fs/cgroup/unified']);
});

test("this host's cgroup mount points are kept: a caller changing the list does not change the next answer", () => {
  const first = cgroupMountPoints();
  first.push('/not/a/cgroup');
  assert.equal(cgroupMountPoints().includes('/not/a/cgroup'), false);
  assert.deepEqual(cgroupMountPoints(), first.slice(0, -1));
});

test('removeCgroup removes the pod directory depth-first in every hierarchy, and refuses odd paths', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kite-cg-'));
  try {
    const mounts = [join(root, 'memory'), join(root, 'pids')];
    mkdirSync(join(mounts[0] as string, 'kite', 'podA', 'c1'), { recursive: true });
    mkdirSync(join(mounts[1] as string, 'kite', 'podA'), { recursive: true });
    mkdirSync(join(mounts[1] as string, 'kite', 'podB'), { recursive: true });
    const removed = await removeCgroup('/kite/podA', mounts);
    assert.deepEqual(removed, [join(root, 'memory/kite/podA'), join(root, 'pids/kite/podA')]);
    assert.equal(existsSync(join(root, 'pids/kite/podB')), true);
    assert.deepEqual(await removeCgroup('/kite/podA', mounts), []);
    await assert.rejects(removeCgroup('/', mounts), /refusing/);
    await assert.rejects(removeCgroup('/kite/../etc', mounts), /refusing/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
