// One behaviour suite for every ContainerRuntime: run by fake-runtime.test.ts on the fake and by
// test/e2e/containerd.test.ts on containerd, so the fake cannot drift from what the agent meets.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { isNotFound, isRuntimeError, type ContainerRuntime } from './runtime.js';
import type { ContainerConfig, PodSandboxConfig } from './types.js';

export interface ConformanceEnv {
  runtime: ContainerRuntime;
  /** An image the runtime has, whose `command` keeps running and has `sh` and `echo`. */
  image: string;
  command: string[];
  /** Fills in what the runtime needs (log directory, cgroup parent) for a sandbox of this uid. */
  sandboxConfig(name: string, uid: string): PodSandboxConfig;
  /** Called after each test with the configs of the sandboxes it made (to remove pod cgroups etc.). */
  cleanup?(sandboxConfigs: PodSandboxConfig[]): Promise<void>;
}

export function runtimeConformance(env: () => ConformanceEnv): void {
  const created: { id: string; config: PodSandboxConfig }[] = [];
  const sandbox = async (labels: Record<string, string> = {}): Promise<{ id: string; config: PodSandboxConfig }> => {
    const e = env();
    const uid = randomUUID();
    const base = e.sandboxConfig(`conf-${uid.slice(0, 8)}`, uid);
    const config: PodSandboxConfig = { ...base, labels: { ...base.labels, ...labels } };
    const id = await e.runtime.runPodSandbox(config);
    created.push({ id, config });
    return { id, config };
  };
  const containerConfig = (name: string, labels: Record<string, string> = {}): ContainerConfig => ({
    metadata: { name, attempt: 0 },
    image: { image: env().image },
    command: env().command,
    labels,
    logPath: `${name}/0.log`,
  });
  const cleanup = async (): Promise<void> => {
    const e = env();
    const pods = created.splice(0);
    for (const { id } of pods) {
      await e.runtime.stopPodSandbox(id).catch(() => undefined);
      await e.runtime.removePodSandbox(id);
    }
    await e.cleanup?.(pods.map((p) => p.config));
  };

  test('conformance: version speaks CRI v1 and status is ready', async () => {
    const { runtime } = env();
    const v = await runtime.version();
    assert.equal(v.runtimeApiVersion, 'v1');
    assert.ok(v.runtimeName.length > 0);
    const s = await runtime.status();
    const ready = s.status?.conditions.find((c) => c.type === 'RuntimeReady');
    assert.equal(ready?.status, true);
  });

  test('conformance: sandbox lifecycle, filters and idempotent removal', async () => {
    const { runtime } = env();
    try {
      const a = await sandbox({ suite: 'conformance', which: 'a' });
      const b = await sandbox({ suite: 'conformance', which: 'b' });
      const st = await runtime.podSandboxStatus(a.id);
      assert.equal(st.status?.state, 'SANDBOX_READY');
      assert.equal(st.status?.metadata?.uid, a.config.metadata.uid);
      assert.equal(st.status?.labels.which, 'a');
      assert.match(st.status?.network?.ip ?? '', /^\d+\.\d+\.\d+\.\d+$/);
      assert.ok((st.status?.createdAt ?? 0) > 0);

      const bySuite = await runtime.listPodSandbox({ labelSelector: { suite: 'conformance' } });
      assert.deepEqual(bySuite.map((s) => s.id).sort(), [a.id, b.id].sort());
      assert.deepEqual((await runtime.listPodSandbox({ labelSelector: { which: 'b' } })).map((s) => s.id), [b.id]);
      assert.deepEqual((await runtime.listPodSandbox({ id: a.id })).map((s) => s.id), [a.id]);

      await runtime.stopPodSandbox(a.id);
      await runtime.stopPodSandbox(a.id); // stopping twice is fine
      assert.equal((await runtime.podSandboxStatus(a.id)).status?.state, 'SANDBOX_NOTREADY');
      const notReady = await runtime.listPodSandbox({ state: { state: 'SANDBOX_NOTREADY' }, labelSelector: { suite: 'conformance' } });
      assert.deepEqual(notReady.map((s) => s.id), [a.id]);

      await runtime.removePodSandbox(a.id);
      await runtime.removePodSandbox(a.id); // already gone: still success
      await assert.rejects(runtime.podSandboxStatus(a.id), isNotFound);
    } finally {
      await cleanup();
    }
  });

  test('conformance: container lifecycle, exec and filters', async () => {
    const { runtime } = env();
    try {
      const pod = await sandbox();
      const id = await runtime.createContainer(pod.id, containerConfig('main', { role: 'main' }), pod.config);
      let st = (await runtime.containerStatus(id)).status;
      assert.equal(st?.state, 'CONTAINER_CREATED');
      assert.equal(st?.metadata?.name, 'main');
      assert.equal(st?.labels.role, 'main');

      await runtime.startContainer(id);
      st = (await runtime.containerStatus(id)).status;
      assert.equal(st?.state, 'CONTAINER_RUNNING');
      assert.ok((st?.startedAt ?? 0) >= (st?.createdAt ?? 0) && (st?.startedAt ?? 0) > 0);
      assert.ok(st?.logPath.endsWith('main/0.log'), st?.logPath);

      const inPod = await runtime.listContainers({ podSandboxId: pod.id });
      assert.deepEqual(inPod.map((c) => c.id), [id]);
      assert.equal(inPod[0]?.podSandboxId, pod.id);
      assert.deepEqual((await runtime.listContainers({ labelSelector: { role: 'main' }, podSandboxId: pod.id })).map((c) => c.id), [id]);
      assert.deepEqual(await runtime.listContainers({ podSandboxId: pod.id, state: { state: 'CONTAINER_EXITED' } }), []);

      const hi = await runtime.execSync(id, ['echo', 'hi'], 10);
      assert.equal(hi.exitCode, 0);
      assert.equal(hi.stdout.toString(), 'hi\n');
      const three = await runtime.execSync(id, ['sh', '-c', 'exit 3'], 10);
      assert.equal(three.exitCode, 3);

      await runtime.reopenContainerLog(id);
      await runtime.updateContainerResources(id, { cpuShares: 512, memoryLimitInBytes: 256 * 1024 * 1024 });
      const stats = await runtime.listContainerStats({ podSandboxId: pod.id });
      assert.deepEqual(stats.map((s) => s.attributes?.id), [id]);
      assert.equal((await runtime.containerStats(id)).attributes?.metadata?.name, 'main');

      assert.match(await runtime.exec({ containerId: id, cmd: ['sh'], stdin: true, stdout: true }), /^https?:\/\/[^/]+\/exec\//);
      assert.match(await runtime.attach({ containerId: id, stdout: true }), /^https?:\/\/[^/]+\/attach\//);
      assert.match(await runtime.portForward({ podSandboxId: pod.id, port: [80] }), /^https?:\/\/[^/]+\/portforward\//);

      await runtime.stopContainer(id, 2);
      st = (await runtime.containerStatus(id)).status;
      assert.equal(st?.state, 'CONTAINER_EXITED');
      assert.ok((st?.finishedAt ?? 0) >= (st?.startedAt ?? 0));

      await runtime.removeContainer(id);
      await runtime.removeContainer(id);
      await assert.rejects(runtime.containerStatus(id), isNotFound);
    } finally {
      await cleanup();
    }
  });

  test('conformance: stopping a sandbox stops its containers', async () => {
    const { runtime } = env();
    try {
      const pod = await sandbox();
      const id = await runtime.createContainer(pod.id, containerConfig('worker'), pod.config);
      await runtime.startContainer(id);
      await runtime.stopPodSandbox(pod.id);
      assert.equal((await runtime.containerStatus(id)).status?.state, 'CONTAINER_EXITED');
      await runtime.removePodSandbox(pod.id);
      await assert.rejects(runtime.containerStatus(id), isNotFound);
    } finally {
      await cleanup();
    }
  });

  test('conformance: unknown ids and missing images are errors', async () => {
    const { runtime } = env();
    const missing = 'f'.repeat(64);
    await assert.rejects(runtime.containerStatus(missing), isNotFound);
    await assert.rejects(runtime.startContainer(missing), isNotFound);
    await assert.rejects(runtime.podSandboxStatus(missing), isNotFound);
    try {
      const pod = await sandbox();
      const config = { ...containerConfig('ghost'), image: { image: 'kite.local/no-such-image:0' } };
      await assert.rejects(runtime.createContainer(pod.id, config, pod.config), (err: unknown) => isRuntimeError(err));
    } finally {
      await cleanup();
    }
  });

  test('conformance: image status and list', async () => {
    const { runtime, image } = env();
    const st = await runtime.imageStatus({ image });
    assert.ok(st.image, `${image} should be present`);
    assert.match(st.image.id, /^sha256:[0-9a-f]{64}$/);
    assert.ok(st.image.size > 0);
    const listed = await runtime.listImages();
    assert.ok(listed.some((i) => i.id === st.image?.id && i.repoTags.length > 0));
    assert.equal((await runtime.imageStatus({ image: 'kite.local/no-such-image:0' })).image, undefined);
    await runtime.removeImage({ image: 'kite.local/no-such-image:0' }); // already gone: success
    const fs = await runtime.imageFsInfo();
    assert.ok(fs.imageFilesystems.length > 0 && (fs.imageFilesystems[0]?.usedBytes?.value ?? 0) > 0);
  });
}
