import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { formatImageTable, humanSize, registerImageCommands } from './image.js';

const dir = mkdtempSync(join(tmpdir(), 'kite-cli-image-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('humanSize uses decimal units like crictl', () => {
  assert.deepEqual([0, 999, 1000, 2_128_571, 700_000_000].map(humanSize), ['0B', '999B', '1.00kB', '2.13MB', '700MB']);
});

test('image table: one row per tag, sorted, short ids, untagged as <none>', () => {
  const table = formatImageTable([
    { id: `sha256:${'b'.repeat(64)}`, repoTags: ['kite.local/pause:1.0'], repoDigests: [], size: 701_667, username: '', pinned: false },
    { id: `sha256:${'a'.repeat(64)}`, repoTags: ['docker.io/library/busybox:latest', 'docker.io/library/busybox:1.35'], repoDigests: [], size: 2_128_571, username: '', pinned: false },
    { id: `sha256:${'c'.repeat(64)}`, repoTags: [], repoDigests: [`kite.local/x@sha256:${'c'.repeat(64)}`], size: 10, username: '', pinned: false },
  ]);
  const lines = table.split('\n').map((l) => l.split(/\s{3,}/));
  assert.deepEqual(lines, [
    ['IMAGE', 'TAG', 'IMAGE ID', 'SIZE'],
    ['docker.io/library/busybox', '1.35', 'aaaaaaaaaaaaa', '2.13MB'],
    ['docker.io/library/busybox', 'latest', 'aaaaaaaaaaaaa', '2.13MB'],
    ['kite.local/pause', '1.0', 'bbbbbbbbbbbbb', '702kB'],
    ['kite.local/x', '<none>', 'ccccccccccccc', '10B'],
  ]);
});

test('kite image build web -o FILE writes an OCI layout tar', { skip: !existsSync('/bin/busybox') && 'busybox-static not installed' }, async () => {
  const program = new Command().exitOverride();
  registerImageCommands(program);
  const out = join(dir, 'web.tar');
  const logged: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => logged.push(args.join(' '));
  try {
    await program.parseAsync(['node', 'kite', 'image', 'build', 'web', '-o', out]);
  } finally {
    console.log = log;
  }
  assert.match(logged.join('\n'), /^kite\.local\/hello-web:1\.0 sha256:[0-9a-f]{64} -> /);
  assert.ok(execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).split('\n').includes('index.json'));
  await assert.rejects(program.parseAsync(['node', 'kite', 'image', 'build', 'nginx', '-o', out]), /unknown built-in image/);
});
