// The agent's pod plumbing on real containerd: kuberuntime's sandbox and container configs,
// volumes (a secret on tmpfs) and probes, driven by hand the way the pod workers drive them.
// Needs root and containerd (see test/util/containerd.ts); skipped otherwise.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { BUSYBOX_IMAGE, WEB_IMAGE, WEB_PORT } from '../../src/agent/images/builtin.js';
import { buildContainerConfig } from '../../src/agent/kuberuntime/container-config.js';
import { CreateContainerConfigError } from '../../src/agent/kuberuntime/errors.js';
import { buildSandboxConfig } from '../../src/agent/kuberuntime/sandbox-config.js';
import { imageUserOf } from '../../src/agent/kuberuntime/security-context.js';
import { b64, fakeContext } from '../../src/agent/kuberuntime/testing.js';
import { ProbeManager } from '../../src/agent/probes/probe-manager.js';
import { removeCgroup } from '../../src/agent/runtime/cgroups.js';
import type { PodSandboxConfig } from '../../src/agent/runtime/types.js';
import { systemMounter } from '../../src/agent/volumes/mount.js';
import { VolumeManager } from '../../src/agent/volumes/volume-manager.js';
import { containerdSkipReason, startTestContainerd, type TestContainerd } from '../util/containerd.js';
import { untilWithin } from '../util/until.js';

const skip = containerdSkipReason();
if (skip) console.log(`# kuberuntime e2e skipped: ${skip}`);

const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1 & wait $!; done'];

const ctx = fakeContext({
  configMaps: [{ metadata: { namespace: 'default', name: 'app-config' }, data: { MODE: 'production', GREETING: 'hello from a configmap' } }],
  secrets: [{ metadata: { namespace: 'default', name: 'app-secret' }, data: { password: b64('s3cret'), 'api-key': b64('k-123') } }],
  services: [{ metadata: { namespace: 'default', name: 'kubernetes' }, spec: { clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } }],
});

const until = untilWithin(15_000, 50);

describe('kuberuntime + volumes + probes on containerd (e2e)', { skip }, () => {
  let c: TestContainerd;
  let dataDir: string;
  let volumes: VolumeManager;
  const sandboxes: { id: string; config: PodSandboxConfig }[] = [];

  before(async () => {
    c = await startTestContainerd({ images: ['busybox', 'web'] });
    dataDir = join(c.dataDir, 'agent');
    volumes = new VolumeManager({ dataDir, context: ctx, mounter: systemMounter });
  });
  after(async () => {
    for (const s of sandboxes) {
      await c?.runtime.stopPodSandbox(s.id).catch(() => undefined);
      await c?.runtime.removePodSandbox(s.id).catch(() => undefined);
      await removeCgroup(s.config.linux?.cgroupParent ?? '').catch(() => undefined);
      await volumes?.tearDownPod(s.config.metadata.uid).catch(() => undefined);
    }
    await c?.stop();
  });

  const runPod = async (pod: Pod): Promise<{ podId: string; config: PodSandboxConfig; ip: string }> => {
    await volumes.setUpPod(pod);
    const config = buildSandboxConfig(pod, { dataDir, cgroupRoot: c.cgroupRoot });
    const podId = await c.runtime.runPodSandbox(config);
    sandboxes.push({ id: podId, config });
    const ip = (await c.runtime.podSandboxStatus(podId)).status?.network?.ip ?? '';
    return { podId, config, ip };
  };

  const startContainer = async (pod: Pod, container: Container, sandbox: { podId: string; config: PodSandboxConfig; ip: string }) => {
    const image = (await c.runtime.imageStatus({ image: container.image ?? '' })).image;
    const built = await buildContainerConfig(pod, container, {
      dataDir, restartCount: 0, imageRef: image?.id, imageUser: imageUserOf(image), volumes: volumes.podVolumes(pod.metadata?.uid ?? '') ?? new Map(),
      context: ctx, podIPs: [sandbox.ip], hostIPs: ['192.0.2.1'],
    });
    const id = await c.runtime.createContainer(sandbox.podId, built.config, sandbox.config);
    await c.runtime.startContainer(id);
    return { id, built };
  };

  const exec = async (id: string, cmd: string[]) => {
    const r = await c.runtime.execSync(id, cmd, 10);
    return { code: r.exitCode, out: r.stdout.toString().trim(), err: r.stderr.toString().trim() };
  };

  test('non-root, read-only rootfs, env from a ConfigMap and a Secret, a secret volume on tmpfs', async (t) => {
    const uid = randomUUID();
    const container: Container = {
      name: 'app', image: BUSYBOX_IMAGE, command: SLEEPER,
      env: [
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'password' } } },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'BANNER', value: '$(MODE)/$(POD_NAME)' },
      ],
      envFrom: [{ configMapRef: { name: 'app-config' } }],
      volumeMounts: [{ name: 'creds', mountPath: '/etc/creds', readOnly: true }],
      securityContext: { runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    };
    const pod: Pod = {
      metadata: { name: 'secure', namespace: 'default', uid, labels: { app: 'secure' } },
      spec: { containers: [container], volumes: [{ name: 'creds', secret: { secretName: 'app-secret', defaultMode: 0o440 } }], securityContext: { fsGroup: 2000 } },
    };
    const sandbox = await runPod(pod);
    const secretDir = volumes.podVolumes(uid)?.get('creds')?.hostPath ?? '';
    assert.equal(await systemMounter.isMountPoint(secretDir), true, 'the secret volume is a tmpfs');
    const t0 = performance.now();
    const { id, built } = await startContainer(pod, container, sandbox);
    t.diagnostic(`build + create + start: ${(performance.now() - t0).toFixed(0)} ms`);

    assert.deepEqual(await exec(id, ['id', '-u']), { code: 0, out: '1000', err: '' });
    assert.match((await exec(id, ['id', '-G'])).out, /\b2000\b/, 'fsGroup is a supplemental group');
    assert.equal((await exec(id, ['cat', '/etc/creds/password'])).out, 's3cret');
    assert.equal((await exec(id, ['cat', '/etc/creds/api-key'])).out, 'k-123');
    const env = (await exec(id, ['env'])).out.split('\n');
    for (const line of ['PASSWORD=s3cret', 'MODE=production', 'GREETING=hello from a configmap', 'POD_NAME=secure', `POD_IP=${sandbox.ip}`, 'BANNER=production/secure', 'KUBERNETES_SERVICE_HOST=10.43.0.1', 'KUBERNETES_SERVICE_PORT=443']) {
      assert.ok(env.includes(line), `${line} in ${env.join(' | ')}`);
    }

    const rootWrite = await exec(id, ['touch', '/should-fail']);
    assert.notEqual(rootWrite.code, 0);
    assert.match(rootWrite.err, /Read-only file system/);
    const volumeWrite = await exec(id, ['sh', '-c', 'echo x > /etc/creds/new']);
    assert.notEqual(volumeWrite.code, 0, 'the secret volume is read-only');

    const hosts = (await exec(id, ['cat', '/etc/hosts'])).out;
    assert.match(hosts, new RegExp(`^${sandbox.ip.replaceAll('.', '\\.')}\\tsecure$`, 'm'));
    const resolv = (await exec(id, ['cat', '/etc/resolv.conf'])).out;
    assert.match(resolv, /nameserver 10\.43\.0\.10/);
    assert.match(resolv, /search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local/);
    assert.match(resolv, /options ndots:5/);
    assert.equal((await exec(id, ['hostname'])).out, 'secure');

    assert.equal((await exec(id, ['sh', '-c', 'echo goodbye > /dev/termination-log'])).code, 0, 'the termination log is writable by a non-root user');
    assert.equal(await readFile(built.terminationMessageHostPath ?? '', 'utf8'), 'goodbye\n');

    const status = (await c.runtime.containerStatus(id)).status;
    assert.equal(status?.logPath, join(dataDir, 'log', 'pods', `default_secure_${uid}`, 'app', '0.log'));
    assert.equal(status?.labels['io.kubernetes.pod.uid'], uid);
    assert.equal(sandbox.config.linux?.cgroupParent, `${c.cgroupRoot}/besteffort/pod${uid}`);

    ctx.data.secrets = [{ metadata: { namespace: 'default', name: 'app-secret' }, data: { password: b64('rotated'), 'api-key': b64('k-123') } }];
    await volumes.refreshAll();
    assert.equal((await exec(id, ['cat', '/etc/creds/password'])).out, 'rotated', 'a refreshed secret is seen by the running container');
  });

  test('runAsNonRoot with a root image and no runAsUser: CreateContainerConfigError', async () => {
    const uid = randomUUID();
    const container: Container = { name: 'app', image: BUSYBOX_IMAGE, command: SLEEPER, securityContext: { runAsNonRoot: true } };
    const pod: Pod = { metadata: { name: 'rooty', namespace: 'default', uid }, spec: { containers: [container] } };
    const sandbox = await runPod(pod);
    await assert.rejects(startContainer(pod, container, sandbox), (err: Error) => {
      assert.ok(err instanceof CreateContainerConfigError);
      assert.equal(err.reason, 'CreateContainerConfigError');
      assert.equal(err.message, `container has runAsNonRoot and image will run as root (pod: "rooty_default(${uid})", container: app)`);
      return true;
    });
    assert.deepEqual(await c.runtime.listContainers({ podSandboxId: sandbox.podId }), [], 'no container was created');
  });

  test('probes against a real container: httpGet readiness on the pod IP, exec liveness failing', async (t) => {
    const uid = randomUUID();
    const container: Container = {
      name: 'web', image: WEB_IMAGE, ports: [{ name: 'http', containerPort: WEB_PORT }],
      readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
      livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 1, failureThreshold: 2 },
    };
    const pod: Pod = { metadata: { name: 'probed', namespace: 'default', uid }, spec: { containers: [container] } };
    const sandbox = await runPod(pod);
    const { id } = await startContainer(pod, container, sandbox);
    const events: string[] = [];
    const prober = new ProbeManager({ runtime: c.runtime, record: (_ref, _type, reason, message) => events.push(`${reason}: ${message}`) });
    try {
      const t0 = performance.now();
      prober.updatePod(pod, sandbox.ip, [{ id, name: 'web', startedAt: Date.now() }]);
      await until('ready', () => (prober.ready(id) ? true : undefined));
      t.diagnostic(`ready after ${(performance.now() - t0).toFixed(0)} ms`);
      await until('liveness failure', () => (prober.livenessFailed(id) ? true : undefined));
      assert.ok(events.includes("Unhealthy: Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n"), events.join(' | '));
      assert.equal(prober.ready(id), true);
    } finally {
      prober.stop();
    }
  });
});
