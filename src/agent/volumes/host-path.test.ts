import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { checkHostPathType } from './host-path.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kite-hostpath-'));
  await mkdir(join(dir, 'd'));
  await writeFile(join(dir, 'f'), 'x');
});
after(() => rm(dir, { recursive: true, force: true }));

test('type checks with the kubelet\'s messages', async () => {
  const d = join(dir, 'd');
  const f = join(dir, 'f');
  await checkHostPathType(d, 'Directory');
  await checkHostPathType(f, 'File');
  await checkHostPathType(join(dir, 'missing'), '');
  await checkHostPathType(join(dir, 'missing'), undefined);
  await checkHostPathType('/dev/null', 'CharDevice');
  await assert.rejects(checkHostPathType(f, 'Directory'), { message: `hostPath type check failed: ${f} is not a directory` });
  await assert.rejects(checkHostPathType(join(dir, 'nope'), 'Directory'), { message: `hostPath type check failed: ${join(dir, 'nope')} is not a directory` });
  await assert.rejects(checkHostPathType(d, 'File'), { message: `hostPath type check failed: ${d} is not a file` });
  await assert.rejects(checkHostPathType(f, 'Socket'), { message: `hostPath type check failed: ${f} is not a socket file` });
  await assert.rejects(checkHostPathType(f, 'CharDevice'), { message: `hostPath type check failed: ${f} is not a character device` });
  await assert.rejects(checkHostPathType('/dev/null', 'BlockDevice'), { message: 'hostPath type check failed: /dev/null is not a block device' });
  await assert.rejects(checkHostPathType(d, 'Weird'), { message: 'Weird is an invalid volume type' });
  await assert.rejects(checkHostPathType(d, 'FileOrCreate'), { message: `hostPath type check failed: ${d} is not a file` });
  await assert.rejects(checkHostPathType(f, 'DirectoryOrCreate'), { message: `hostPath type check failed: ${f} is not a directory` });
});

test('OrCreate types create what is missing', async () => {
  const newDir = join(dir, 'made', 'deep');
  await checkHostPathType(newDir, 'DirectoryOrCreate');
  assert.equal((await stat(newDir)).isDirectory(), true);
  const newFile = join(dir, 'made', 'file');
  await checkHostPathType(newFile, 'FileOrCreate');
  const info = await stat(newFile);
  assert.deepEqual([info.isFile(), info.size], [true, 0]);
});

test('a socket passes the Socket check', async () => {
  const path = join(dir, 'sock');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(path, resolve));
  try {
    await checkHostPathType(path, 'Socket');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
