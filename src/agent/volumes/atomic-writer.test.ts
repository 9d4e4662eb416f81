import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Payload, validatePayloadPath, writeAtomically } from './atomic-writer.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kite-atomic-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const payload = (entries: Record<string, string | [string, number]>): Payload =>
  new Map(Object.entries(entries).map(([k, v]) => [k, typeof v === 'string' ? { data: Buffer.from(v), mode: 0o644 } : { data: Buffer.from(v[0]), mode: v[1] }]));

test('layout: ..data -> timestamped dir, visible names link through ..data; updates swap atomically', async () => {
  const target = join(dir, 'vol');
  assert.equal(await writeAtomically(target, payload({ 'a.txt': 'one', 'nested/b.txt': ['two', 0o600] })), true);
  const ts1 = await readlink(join(target, '..data'));
  assert.match(ts1, /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+$/);
  assert.equal(await readlink(join(target, 'a.txt')), '..data/a.txt');
  assert.equal(await readlink(join(target, 'nested')), '..data/nested');
  assert.equal(await readFile(join(target, 'a.txt'), 'utf8'), 'one');
  assert.equal(await readFile(join(target, 'nested/b.txt'), 'utf8'), 'two');
  assert.equal((await stat(join(target, 'nested/b.txt'))).mode & 0o777, 0o600);
  assert.equal((await stat(join(target, ts1))).mode & 0o777, 0o755);

  assert.equal(await writeAtomically(target, payload({ 'a.txt': 'one', 'nested/b.txt': ['two', 0o600] })), false, 'same payload: nothing written');
  assert.equal(await readlink(join(target, '..data')), ts1);

  assert.equal(await writeAtomically(target, payload({ 'a.txt': 'changed', 'c.txt': 'three' })), true);
  const ts2 = await readlink(join(target, '..data'));
  assert.notEqual(ts2, ts1);
  assert.equal(await readFile(join(target, 'a.txt'), 'utf8'), 'changed');
  assert.equal(await readFile(join(target, 'c.txt'), 'utf8'), 'three');
  await assert.rejects(lstat(join(target, 'nested')), { code: 'ENOENT' }, 'a name no longer in the payload is removed');
  assert.deepEqual((await readdir(target)).sort(), ['..data', ts2, 'a.txt', 'c.txt'].sort(), 'the old timestamped dir is gone');

  assert.equal(await writeAtomically(target, payload({ 'a.txt': ['changed', 0o400], 'c.txt': 'three' })), true, 'a mode change is a change');
  assert.equal((await stat(join(target, 'a.txt'))).mode & 0o777, 0o400);

  assert.equal(await writeAtomically(target, new Map()), true);
  assert.deepEqual((await readdir(target)).filter((n) => !n.startsWith('..')), [], 'an empty payload leaves no visible files');
});

test('payload paths are validated like the kubelet', () => {
  validatePayloadPath('a/b/c');
  validatePayloadPath('..a'.slice(1)); // ".a"
  assert.throws(() => validatePayloadPath(''), { message: 'invalid path: must not be empty: ""' });
  assert.throws(() => validatePayloadPath('/abs'), { message: 'invalid path: must be relative path: /abs' });
  assert.throws(() => validatePayloadPath('a/../b'), { message: "invalid path: must not contain '..': a/../b" });
  assert.throws(() => validatePayloadPath('..data/x'), { message: "invalid path: must not start with '..': ..data/x" });
  assert.throws(() => validatePayloadPath('x'.repeat(256)), { message: 'invalid path: filenames must be less than or equal to 255 characters' });
});
