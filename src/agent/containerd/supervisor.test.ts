import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CriRuntime } from '../runtime/cri/cri-runtime.js';
import { startContainerRuntime } from './start.js';
import { writeContainerdFiles } from './config.js';
import { containerdPaths } from './paths.js';
import { ContainerdSupervisor, waitForRuntime } from './supervisor.js';

// The supervisor's logic against a fake containerd binary (a gRPC server answering CRI Version).
const root = mkdtempSync(join(tmpdir(), 'kite-sup-'));
after(() => rmSync(root, { recursive: true, force: true }));
const fakeJs = fileURLToPath(new URL('../../../test/util/fake-containerd.js', import.meta.url));

function fakeBinary(env = ''): string {
  const path = join(root, `containerd-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, `#!/bin/sh\n${env} exec ${process.execPath} ${fakeJs} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

const dataDir = (): string => mkdtempSync(join(root, 'data-'));
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

async function runtimeVersion(endpoint: string): Promise<string> {
  const rt = new CriRuntime({ endpoint, requestTimeoutMs: 2000 });
  try {
    return (await rt.version()).runtimeVersion;
  } finally {
    rt.close();
  }
}

test('start waits for CRI Version; stop sends SIGTERM', async () => {
  const sup = new ContainerdSupervisor({ dataDir: dataDir(), binary: fakeBinary() });
  let pid = 0;
  try {
    await sup.start();
    pid = sup.pid ?? 0;
    assert.equal(await runtimeVersion(sup.endpoint), String(pid), 'the answering process is the one supervised');
    assert.match(readFileSync(sup.paths.config, 'utf8'), /restrict_oom_score_adj = true/);
  } finally {
    await sup.stop();
  }
  assert.equal(alive(pid), false);
});

test('a crashed containerd is restarted with growing delays', async () => {
  const sup = new ContainerdSupervisor({
    dataDir: dataDir(), binary: fakeBinary('FAKE_CONTAINERD_EXIT_AFTER_MS=300'),
    restartBackoff: { initialMs: 100, maxMs: 1000 },
  });
  const events: { kind: string; at: number }[] = [];
  sup.on('exit', () => events.push({ kind: 'exit', at: Date.now() }));
  sup.on('ready', () => events.push({ kind: 'ready', at: Date.now() }));
  try {
    await sup.start();
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 20_000;
      const check = (): void => {
        if (events.filter((e) => e.kind === 'ready').length >= 3) resolve();
        else if (Date.now() > deadline) reject(new Error('not restarted twice'));
        else setTimeout(check, 20);
      };
      check();
    });
  } finally {
    await sup.stop();
  }
  const kinds = events.map((e) => e.kind);
  assert.deepEqual(kinds.slice(0, 5), ['ready', 'exit', 'ready', 'exit', 'ready']);
  const gap = (i: number): number => (events[i + 1]?.at ?? 0) - (events[i]?.at ?? 0);
  assert.ok(gap(1) >= 100, `first restart after >= 100 ms (${gap(1)})`);
  assert.ok(gap(3) >= 200, `second restart after >= 200 ms (${gap(3)})`);
});

test('a containerd that dies at start fails start() with its log', async () => {
  const bin = join(root, 'broken-containerd');
  writeFileSync(bin, '#!/bin/sh\necho "failed to load plugin: bad config" >&2\nexit 1\n');
  chmodSync(bin, 0o755);
  const sup = new ContainerdSupervisor({ dataDir: dataDir(), binary: bin });
  await assert.rejects(sup.start(), /containerd exited \(code 1[\s\S]*bad config/);
  await sup.stop();
});

test('start() stops a containerd left running on the same config by an earlier agent', async () => {
  const dir = dataDir();
  const paths = containerdPaths(dir);
  await writeContainerdFiles({ paths });
  // What an agent that died without stopping its containerd leaves: the process and its pid file.
  const orphan = spawn(fakeBinary(), ['--config', paths.config], { stdio: 'ignore' });
  const sup = new ContainerdSupervisor({ dataDir: dir, binary: fakeBinary() });
  try {
    const probe = new CriRuntime({ endpoint: sup.endpoint });
    assert.ok(await waitForRuntime(probe, 10_000, () => existsSync(paths.socket)));
    probe.close();
    writeFileSync(join(paths.base, 'containerd.pid'), String(orphan.pid));
    await sup.start();
    assert.equal(alive(orphan.pid ?? 0), false);
    assert.equal(await runtimeVersion(sup.endpoint), String(sup.pid));
  } finally {
    await sup.stop();
    orphan.kill('SIGKILL');
  }
});

test('an existing endpoint is used as is and left running on stop', async () => {
  const sup = new ContainerdSupervisor({ dataDir: dataDir(), binary: fakeBinary() });
  await sup.start();
  try {
    const handle = await startContainerRuntime({ dataDir: dataDir(), endpoint: sup.endpoint });
    assert.equal(handle.supervisor, undefined);
    assert.equal((await handle.runtime.version()).runtimeName, 'fake-containerd');
    await handle.stop();
    assert.equal(await runtimeVersion(sup.endpoint), String(sup.pid));
    await assert.rejects(startContainerRuntime({ dataDir: dataDir(), endpoint: 'unix:///nonexistent/x.sock', startTimeoutMs: 300 }), /did not answer/);
  } finally {
    await sup.stop();
  }
});

test('a stale pid file naming an unrelated process does not get that process killed', async () => {
  const unrelated = spawn('sleep', ['30']);
  const dir = dataDir();
  mkdirSync(join(dir, 'containerd'), { recursive: true });
  writeFileSync(join(dir, 'containerd', 'containerd.pid'), String(unrelated.pid));
  const sup = new ContainerdSupervisor({ dataDir: dir, binary: fakeBinary() });
  try {
    await sup.start();
    assert.ok(alive(unrelated.pid ?? 0), 'the pid was reused by another program: left alone');
  } finally {
    await sup.stop();
    unrelated.kill();
  }
});
