import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createTar, readTar, type TarEntry } from './tar.js';

const dir = mkdtempSync(join(tmpdir(), 'kite-tar-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const longDir = `${'d'.repeat(120)}/${'e'.repeat(20)}`;
const entries: TarEntry[] = [
  { path: 'bin', type: 'dir' },
  { path: 'bin/tool', type: 'file', content: Buffer.from('#!/bin/sh\necho tool\n'), mode: 0o755 },
  { path: 'bin/alias', type: 'symlink', linkname: '/bin/tool' },
  { path: 'empty', type: 'file' },
  { path: 'tmp', type: 'dir', mode: 0o1777 },
  // 150 bytes: fits only with ustar's prefix field
  { path: longDir, type: 'dir' },
  { path: `${longDir}/f.txt`, type: 'file', content: Buffer.from('prefix-split\n') },
  // 300-byte name and 150-byte link target: need pax records
  { path: `${'x'.repeat(200)}/${'y'.repeat(99)}`, type: 'file', content: Buffer.alloc(1000, 7) },
  { path: 'longlink', type: 'symlink', linkname: `/${'z'.repeat(150)}` },
];

test('GNU tar lists and extracts what createTar writes (ustar, prefix split, pax)', () => {
  const tarPath = join(dir, 'a.tar');
  const tar = createTar(entries);
  assert.equal(tar.length % 512, 0);
  writeFileSync(tarPath, tar);
  const listed = execFileSync('tar', ['-tf', tarPath], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listed, entries.map((e) => (e.type === 'dir' ? `${e.path}/` : e.path)));

  const out = join(dir, 'out');
  execFileSync('mkdir', ['-p', out]);
  execFileSync('tar', ['-xf', tarPath, '-C', out]);
  assert.equal(readFileSync(join(out, 'bin/tool'), 'utf8'), '#!/bin/sh\necho tool\n');
  assert.equal(lstatSync(join(out, 'bin/tool')).mode & 0o777, 0o755);
  assert.equal(readlinkSync(join(out, 'bin/alias')), '/bin/tool');
  assert.equal(readFileSync(join(out, `${longDir}/f.txt`), 'utf8'), 'prefix-split\n');
  assert.deepEqual(readFileSync(join(out, entries[7]?.path ?? '')), Buffer.alloc(1000, 7));
  assert.equal(readlinkSync(join(out, 'longlink')), `/${'z'.repeat(150)}`);
  assert.equal(lstatSync(join(out, 'empty')).size, 0);
});

test('output is reproducible and readTar reads it back', () => {
  const a = createTar(entries);
  assert.deepEqual(createTar(entries), a);
  const back = readTar(a);
  assert.deepEqual(back.map((e) => e.path), entries.map((e) => (e.type === 'dir' ? `${e.path}/` : e.path)));
  assert.deepEqual(back.map((e) => e.type), entries.map((e) => e.type));
  assert.equal(back[1]?.mode, 0o755);
  assert.equal(back[4]?.mode, 0o1777);
  assert.equal(back[8]?.linkname, `/${'z'.repeat(150)}`);
  assert.deepEqual(back[7]?.content, Buffer.alloc(1000, 7));
});

test('readTar reads archives made by GNU tar', () => {
  const src = join(dir, 'src');
  execFileSync('mkdir', ['-p', join(src, 'a')]);
  writeFileSync(join(src, 'a', 'hello.txt'), 'hello\n');
  const tarPath = join(dir, 'gnu.tar');
  execFileSync('tar', ['--format=posix', '-cf', tarPath, '-C', src, 'a']);
  const read = readTar(readFileSync(tarPath));
  assert.deepEqual(read.map((e) => [e.path, e.type]), [['a/', 'dir'], ['a/hello.txt', 'file']]);
  assert.equal(read[1]?.content.toString(), 'hello\n');
});

test('absolute paths are refused', () => {
  assert.throws(() => createTar([{ path: '/etc/passwd', type: 'file' }]), /absolute/);
});
