import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runtimeConformance } from './conformance.js';
import { FakeRuntime } from './fake-runtime.js';
import { isNotFound, isRuntimeError, RuntimeError } from './runtime.js';
import type { PodSandboxConfig } from './types.js';

const IMAGE = 'kite.local/busybox:latest';

const sandboxConfig = (name: string, uid: string): PodSandboxConfig => ({
  metadata: { name, uid, namespace: 'default', attempt: 0 },
  logDirectory: `/var/log/pods/default_${name}_${uid}`,
});

describe('FakeRuntime conformance', () => {
  const runtime = new FakeRuntime();
  runtime.addImage(IMAGE);
  runtimeConformance(() => ({ runtime, image: IMAGE, command: ['sleep', '3600'], sandboxConfig }));
});

describe('FakeRuntime scripting', () => {
  const setup = async (): Promise<{ rt: FakeRuntime; podId: string; config: PodSandboxConfig; cid: string }> => {
    const rt = new FakeRuntime();
    rt.addImage('busybox');
    const config = sandboxConfig('p', 'u1');
    const podId = await rt.runPodSandbox(config);
    const cid = await rt.createContainer(podId, { metadata: { name: 'c' }, image: { image: 'busybox' }, logPath: 'c/0.log' }, config);
    await rt.startContainer(cid);
    return { rt, podId, config, cid };
  };

  test('records calls in order with their arguments', async () => {
    const { rt, podId, cid } = await setup();
    assert.deepEqual(rt.calls.map((c) => c.method), ['runPodSandbox', 'createContainer', 'startContainer']);
    assert.equal(rt.calls[1]?.args[0], podId);
    assert.equal((await rt.containerStatus(cid)).status?.logPath, '/var/log/pods/default_p_u1/c/0.log');
  });

  test('image names are normalized like containerd (busybox = docker.io/library/busybox:latest)', async () => {
    const { rt } = await setup();
    const st = await rt.imageStatus({ image: 'docker.io/library/busybox:latest' });
    assert.deepEqual(st.image?.repoTags, ['docker.io/library/busybox:latest']);
    assert.equal((await rt.imageStatus({ image: st.image?.id ?? '' })).image?.id, st.image?.id);
    await rt.removeImage({ image: 'busybox' });
    assert.equal((await rt.imageStatus({ image: 'busybox' })).image, undefined);
    assert.match(await rt.pullImage({ image: 'nginx:1.27' }), /^sha256:/);
    assert.deepEqual((await rt.listImages()).map((i) => i.repoTags[0]), ['docker.io/library/nginx:1.27']);
  });

  test('failNext injects one failure for one method', async () => {
    const { rt, cid } = await setup();
    rt.failNext('containerStatus', new RuntimeError('DeadlineExceeded', 'slow'));
    await assert.rejects(rt.containerStatus(cid), (err: unknown) => isRuntimeError(err, 'DeadlineExceeded'));
    assert.equal((await rt.containerStatus(cid)).status?.state, 'CONTAINER_RUNNING');
  });

  test('exitContainer simulates a crash; exec then fails', async () => {
    const { rt, cid } = await setup();
    rt.exitContainer(cid, 2);
    const st = (await rt.containerStatus(cid)).status;
    assert.equal(st?.state, 'CONTAINER_EXITED');
    assert.equal(st?.exitCode, 2);
    assert.equal(st?.reason, 'Error');
    await assert.rejects(rt.execSync(cid, ['echo', 'x']), /not running/);
    assert.deepEqual(await rt.listContainerStats(), []);
  });

  test('a custom exec handler answers probes', async () => {
    const { rt, cid } = await setup();
    rt.execHandler = (_id, cmd) => ({ stdout: Buffer.from(cmd.join(',')), stderr: Buffer.from('warn'), exitCode: 1 });
    const res = await rt.execSync(cid, ['cat', '/ready']);
    assert.deepEqual([res.stdout.toString(), res.stderr.toString(), res.exitCode], ['cat,/ready', 'warn', 1]);
  });

  test('a container name is unique per sandbox and attempt', async () => {
    const { rt, podId, config } = await setup();
    await assert.rejects(rt.createContainer(podId, { metadata: { name: 'c' }, image: { image: 'busybox' } }, config), /reserved/);
    const retry = await rt.createContainer(podId, { metadata: { name: 'c', attempt: 1 }, image: { image: 'busybox' } }, config);
    assert.equal((await rt.containerStatus(retry)).status?.metadata?.attempt, 1);
  });

  test('sandboxes get distinct pod IPs; a stopped sandbox takes no new containers', async () => {
    const { rt, podId, config } = await setup();
    const other = await rt.runPodSandbox(sandboxConfig('q', 'u2'));
    const ips = await Promise.all([podId, other].map(async (id) => (await rt.podSandboxStatus(id)).status?.network?.ip));
    assert.notEqual(ips[0], ips[1]);
    await rt.stopPodSandbox(podId);
    await assert.rejects(rt.createContainer(podId, { metadata: { name: 'd' }, image: { image: 'busybox' } }, config), /not ready/);
  });

  test('close makes later calls fail as Unavailable', async () => {
    const { rt } = await setup();
    rt.close();
    await assert.rejects(rt.version(), (err: unknown) => isRuntimeError(err, 'Unavailable'));
    assert.equal(isNotFound(new RuntimeError('NotFound', 'x')), true);
  });
});
