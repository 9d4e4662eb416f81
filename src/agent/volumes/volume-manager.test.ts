import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Pod, Volume } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../client/clock.js';
import type { PodEvent } from '../kuberuntime/errors.js';
import { b64, type FakeContext, fakeContext, testPod } from '../kuberuntime/testing.js';
import type { Mounter, TmpfsOptions } from './mount.js';
import { VolumeManager, VolumeSetupError } from './volume-manager.js';

class FakeMounter implements Mounter {
  readonly mounted = new Map<string, TmpfsOptions>();
  readonly calls: string[] = [];
  async mountTmpfs(path: string, opts: TmpfsOptions = {}): Promise<void> {
    this.calls.push(`mount ${path}`);
    this.mounted.set(path, opts);
  }
  async unmount(path: string): Promise<void> {
    this.calls.push(`umount ${path}`);
    this.mounted.delete(path);
  }
  async isMountPoint(path: string): Promise<boolean> {
    return this.mounted.has(path);
  }
}

const MiB = 1024 * 1024;

const podWith = (volumes: Volume[], extra: Partial<NonNullable<Pod['spec']>> = {}, meta: Partial<NonNullable<Pod['metadata']>> = {}): Pod =>
  testPod({
    volumes,
    containers: [{ name: 'app', volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: `/mnt/${v.name}` })), resources: { limits: { memory: '64Mi' } } }],
    serviceAccountName: 'robot',
    ...extra,
  }, { labels: { app: 'web' }, annotations: { build: '7' }, ...meta });

describe('VolumeManager', () => {
  let dataDir: string;
  let ctx: FakeContext;
  let mounter: FakeMounter;
  let events: PodEvent[];
  let clock: FakeClock;
  let tokenCount: number;
  let vm: VolumeManager;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kite-volumes-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const fresh = (): void => {
    tokenCount = 0;
    clock = new FakeClock(Date.UTC(2025, 0, 1));
    ctx = fakeContext({
      configMaps: [{ metadata: { namespace: 'default', name: 'cfg' }, data: { 'app.conf': 'debug=true', other: 'x' }, binaryData: { 'logo.bin': b64('\x00\x01') } }],
      secrets: [{ metadata: { namespace: 'default', name: 'creds' }, data: { password: b64('s3cret'), user: b64('admin') } }],
      pvcs: [
        { metadata: { namespace: 'default', name: 'bound' }, spec: { volumeName: 'pv-host' }, status: { phase: 'Bound' } },
        { metadata: { namespace: 'default', name: 'local' }, spec: { volumeName: 'pv-local' }, status: { phase: 'Bound' } },
        { metadata: { namespace: 'default', name: 'pending' }, spec: {}, status: { phase: 'Pending' } },
      ],
      pvs: [
        { metadata: { name: 'pv-host' }, spec: { hostPath: { path: join(dataDir, 'pv-host-data'), type: 'DirectoryOrCreate' } } },
        { metadata: { name: 'pv-local' }, spec: { local: { path: '/srv/local' } } },
      ],
      token: (ns, sa, req) => {
        tokenCount++;
        return { spec: req.spec, status: { token: `token-${ns}-${sa}-${req.spec.boundObjectRef?.name}-${req.spec.audiences.join(',')}-${tokenCount}`, expirationTimestamp: new Date(clock.now() + (req.spec.expirationSeconds ?? 3600) * 1000).toISOString() } };
      },
    });
    mounter = new FakeMounter();
    events = [];
    vm = new VolumeManager({ dataDir, context: ctx, mounter, clock, recordEvent: (_pod, e) => events.push(e), nodeAllocatable: () => ({ memory: '8Gi', cpu: '4' }) });
  };

  const volDir = (pod: Pod, plugin: string, name: string): string => join(dataDir, 'pods', pod.metadata?.uid ?? '', 'volumes', plugin, name);

  test('emptyDir on disk and in memory (tmpfs sized by sizeLimit and the pod limit), hostPath', async () => {
    fresh();
    const pod = podWith([
      { name: 'scratch', emptyDir: {} },
      { name: 'fast', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
      { name: 'tiny', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
      { name: 'host', hostPath: { path: join(dataDir, 'host-made'), type: 'DirectoryOrCreate' } },
    ], {}, { uid: 'pod-empty' });
    const vols = await vm.setUpPod(pod);
    const scratch = volDir(pod, 'kubernetes.io~empty-dir', 'scratch');
    assert.deepEqual(vols.get('scratch'), { hostPath: scratch, readOnly: false, plugin: 'kubernetes.io/empty-dir' });
    assert.equal((await stat(scratch)).mode & 0o777, 0o777);
    assert.equal(await mounter.isMountPoint(scratch), false);
    assert.deepEqual(mounter.mounted.get(volDir(pod, 'kubernetes.io~empty-dir', 'fast')), { sizeBytes: 64 * MiB, mode: 0o777 }, 'the pod limit (64Mi) is below sizeLimit');
    assert.deepEqual(mounter.mounted.get(volDir(pod, 'kubernetes.io~empty-dir', 'tiny')), { sizeBytes: MiB, mode: 0o777 });
    assert.deepEqual(vols.get('host'), { hostPath: join(dataDir, 'host-made'), readOnly: false, plugin: 'kubernetes.io/host-path' });
    assert.equal((await stat(join(dataDir, 'host-made'))).isDirectory(), true);

    const calls = mounter.calls.length;
    await writeFile(join(scratch, 'keep'), 'data');
    await vm.setUpPod(pod);
    assert.equal(mounter.calls.length, calls, 'set up twice: nothing mounted again');
    assert.equal(await readFile(join(scratch, 'keep'), 'utf8'), 'data', 'and nothing lost');
  });

  test('configMap, secret (on tmpfs) and downwardAPI: items, modes, binary data, read-only', async () => {
    fresh();
    const pod = podWith([
      { name: 'all', configMap: { name: 'cfg' } },
      { name: 'some', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o600 }], defaultMode: 0o640 } },
      { name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } },
      { name: 'maybe', secret: { secretName: 'absent', optional: true } },
      { name: 'info', downwardAPI: { items: [
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
        { path: 'mem', resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Mi' } },
        { path: 'cpu', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu' } },
      ] } },
      { name: 'unused', configMap: { name: 'never-read' } },
    ], {}, { uid: 'pod-api' });
    pod.spec?.containers[0]?.volumeMounts?.pop();
    const vols = await vm.setUpPod(pod);
    const all = volDir(pod, 'kubernetes.io~configmap', 'all');
    assert.deepEqual(vols.get('all'), { hostPath: all, readOnly: true, plugin: 'kubernetes.io/configmap' });
    assert.equal(await mounter.isMountPoint(all), false, 'configMaps live on disk');
    assert.equal(await readFile(join(all, 'app.conf'), 'utf8'), 'debug=true');
    assert.deepEqual([...(await readFile(join(all, 'logo.bin')))], [0, 1]);
    assert.equal((await stat(join(all, 'other'))).mode & 0o777, 0o644);
    const some = volDir(pod, 'kubernetes.io~configmap', 'some');
    assert.deepEqual((await readdir(some)).filter((n) => !n.startsWith('..')), ['conf']);
    assert.equal((await stat(join(some, 'conf/app.conf'))).mode & 0o777, 0o600);

    const creds = volDir(pod, 'kubernetes.io~secret', 'creds');
    assert.equal(await mounter.isMountPoint(creds), true, 'secrets live on tmpfs');
    assert.equal(await readFile(join(creds, 'password'), 'utf8'), 's3cret');
    assert.equal((await stat(join(creds, 'user'))).mode & 0o777, 0o400);
    assert.deepEqual((await readdir(volDir(pod, 'kubernetes.io~secret', 'maybe'))).filter((n) => !n.startsWith('..')), [], 'optional and missing: empty');

    const info = volDir(pod, 'kubernetes.io~downward-api', 'info');
    assert.equal(await mounter.isMountPoint(info), true);
    assert.equal(await readFile(join(info, 'labels'), 'utf8'), 'app="web"');
    assert.equal(await readFile(join(info, 'name'), 'utf8'), 'web');
    assert.equal(await readFile(join(info, 'mem'), 'utf8'), '64');
    assert.equal(await readFile(join(info, 'cpu'), 'utf8'), '4', 'no cpu limit: node allocatable');
    assert.equal(vols.has('unused'), false);
    assert.equal(ctx.reads.includes('configmap default/never-read'), false, 'volumes no container mounts are not set up');
  });

  test('refresh: changed API objects and pod labels reach the files atomically; removed keys disappear', async () => {
    fresh();
    const pod = podWith([{ name: 'creds', secret: { secretName: 'creds' } }, { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }], {}, { uid: 'pod-refresh' });
    vm.start();
    try {
      await vm.setUpPod(pod);
      const creds = volDir(pod, 'kubernetes.io~secret', 'creds');
      const before = await readlink(join(creds, '..data'));
      ctx.data.secrets = [{ metadata: { namespace: 'default', name: 'creds' }, data: { password: b64('rotated') } }];
      vm.updatePod({ ...pod, metadata: { ...pod.metadata, labels: { app: 'web', version: '2' } } });
      clock.step(60_000);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(await readFile(join(creds, 'password'), 'utf8'), 'rotated');
      await assert.rejects(lstat(join(creds, 'user')), { code: 'ENOENT' });
      assert.notEqual(await readlink(join(creds, '..data')), before);
      assert.equal(await readFile(join(volDir(pod, 'kubernetes.io~downward-api', 'info'), 'labels'), 'utf8'), 'app="web"\nversion="2"');
    } finally {
      vm.stop();
    }
  });

  test('failures: FailedMount events with the kubelet\'s messages, good volumes still set up', async () => {
    fresh();
    const pod = podWith([
      { name: 'ok', emptyDir: {} },
      { name: 'gone', secret: { secretName: 'nope' } },
      { name: 'badkey', configMap: { name: 'cfg', items: [{ key: 'missing', path: 'm' }] } },
      { name: 'file', hostPath: { path: join(dataDir, 'no-such-file'), type: 'File' } },
    ], {}, { uid: 'pod-fail' });
    await assert.rejects(vm.setUpPod(pod), (err: Error) => {
      assert.ok(err instanceof VolumeSetupError);
      assert.deepEqual(err.failures.map((f) => f.volume), ['gone', 'badkey', 'file']);
      assert.match(err.message, /^unmounted volumes=\[gone badkey file\], unattached volumes=\[\], failed to process volumes=\[\]: MountVolume\.SetUp failed/);
      return true;
    });
    assert.deepEqual(events.map((e) => [e.type, e.reason, e.message]), [
      ['Warning', 'FailedMount', 'MountVolume.SetUp failed for volume "gone" : secret "nope" not found'],
      ['Warning', 'FailedMount', 'MountVolume.SetUp failed for volume "badkey" : configmap references non-existent config key: missing'],
      ['Warning', 'FailedMount', `MountVolume.SetUp failed for volume "file" : hostPath type check failed: ${join(dataDir, 'no-such-file')} is not a file`],
    ]);
    assert.equal(vm.podVolumes('pod-fail')?.has('ok'), true);
    ctx.data.secrets?.push({ metadata: { namespace: 'default', name: 'nope' }, data: {} });
    ctx.data.configMaps?.push({ metadata: { namespace: 'default', name: 'cfg' }, data: {} });
    const fixed = podWith([{ name: 'ok', emptyDir: {} }, { name: 'gone', secret: { secretName: 'nope' } }], {}, { uid: 'pod-fail' });
    assert.deepEqual([...(await vm.setUpPod(fixed)).keys()].sort(), ['gone', 'ok'], 'a later try succeeds');
  });

  test('projected: configMap, secret, downwardAPI and a bound service-account token, renewed at 80% of its life', async () => {
    fresh();
    const projected: Volume = {
      name: 'kube-api-access',
      projected: {
        defaultMode: 0o644,
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 3600, audience: 'api' } },
          { configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'ca.crt' }] } },
          { secret: { name: 'creds', items: [{ key: 'user', path: 'user' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    };
    const pod = podWith([projected], {}, { uid: 'pod-proj' });
    await vm.setUpPod(pod);
    const dir = volDir(pod, 'kubernetes.io~projected', 'kube-api-access');
    assert.equal(await mounter.isMountPoint(dir), true);
    assert.equal(await readFile(join(dir, 'token'), 'utf8'), 'token-default-robot-web-api-1');
    assert.equal(await readFile(join(dir, 'ca.crt'), 'utf8'), 'debug=true');
    assert.equal(await readFile(join(dir, 'user'), 'utf8'), 'admin');
    assert.equal(await readFile(join(dir, 'namespace'), 'utf8'), 'default');
    assert.deepEqual(ctx.reads.filter((r) => r.startsWith('token')), ['token default/robot']);

    clock.step(30 * 60_000);
    await vm.refreshAll();
    assert.equal(await readFile(join(dir, 'token'), 'utf8'), 'token-default-robot-web-api-1', 'at half its life the token is kept');
    clock.step(19 * 60_000);
    await vm.refreshAll();
    assert.equal(await readFile(join(dir, 'token'), 'utf8'), 'token-default-robot-web-api-2', 'past 80% it is renewed');
  });

  test('projected token without the TokenRequest API: the volume fails with a clear message', async () => {
    fresh();
    delete ctx.data.token;
    const pod = podWith([{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }], {}, { uid: 'pod-notoken' });
    await assert.rejects(vm.setUpPod(pod), VolumeSetupError);
    assert.equal(events[0]?.message, 'MountVolume.SetUp failed for volume "kube-api-access" : failed to fetch token: the API server does not serve TokenRequest '
      + '(POST /api/v1/namespaces/default/serviceaccounts/robot/token): the server could not find the requested resource');
  });

  test('persistentVolumeClaim: a bound claim mounts its hostPath/local PV; an unbound one makes the pod wait', async () => {
    fresh();
    const pod = podWith([
      { name: 'data', persistentVolumeClaim: { claimName: 'bound' } },
      { name: 'fast', persistentVolumeClaim: { claimName: 'local', readOnly: true } },
    ], {}, { uid: 'pod-pvc' });
    const vols = await vm.setUpPod(pod);
    assert.deepEqual(vols.get('data'), { hostPath: join(dataDir, 'pv-host-data'), readOnly: false, plugin: 'kubernetes.io/host-path' });
    assert.deepEqual(vols.get('fast'), { hostPath: '/srv/local', readOnly: true, plugin: 'kubernetes.io/local-volume' });

    const waiting = podWith([{ name: 'data', persistentVolumeClaim: { claimName: 'pending' } }, { name: 'x', persistentVolumeClaim: { claimName: 'missing' } }], {}, { uid: 'pod-wait' });
    await assert.rejects(vm.setUpPod(waiting), (err: Error) => {
      assert.ok(err instanceof VolumeSetupError);
      assert.ok(err.failures.every((f) => f.waiting));
      assert.equal(err.message, 'unmounted volumes=[data x], unattached volumes=[data x], failed to process volumes=[data x]: error processing PVC default/pending: PVC is not bound; '
        + 'error processing PVC default/missing: failed to fetch PVC from API server: persistentvolumeclaims "missing" not found');
      return true;
    });
    assert.equal(events[0]?.message, 'error processing PVC default/pending: PVC is not bound');
  });

  test('fsGroup: group ownership and group permissions on writable and API volumes', async () => {
    fresh();
    const gid = process.getuid?.() === 0 ? 4321 : (process.getgid?.() ?? 0);
    const pod = podWith([{ name: 'scratch', emptyDir: {} }, { name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } }], { securityContext: { fsGroup: gid } }, { uid: 'pod-fsgroup' });
    await vm.setUpPod(pod);
    const scratch = await stat(volDir(pod, 'kubernetes.io~empty-dir', 'scratch'));
    assert.deepEqual([scratch.gid, scratch.mode & 0o7777], [gid, 0o2777]);
    const file = await stat(join(volDir(pod, 'kubernetes.io~secret', 'creds'), 'password'));
    assert.deepEqual([file.gid, file.mode & 0o777], [gid, 0o440]);
  });

  test('tearDownPod unmounts and removes from disk (also for a pod this process never saw); cleanupOrphans', async () => {
    fresh();
    const pod = podWith([{ name: 'creds', secret: { secretName: 'creds' } }, { name: 'scratch', emptyDir: {} }], {}, { uid: 'pod-gone' });
    await vm.setUpPod(pod);
    const creds = volDir(pod, 'kubernetes.io~secret', 'creds');
    const other = new VolumeManager({ dataDir, context: ctx, mounter, clock });
    await other.tearDownPod('pod-gone');
    assert.ok(mounter.calls.includes(`umount ${creds}`));
    await assert.rejects(stat(join(dataDir, 'pods', 'pod-gone', 'volumes')), { code: 'ENOENT' });
    await other.tearDownPod('pod-gone');

    await mkdir(join(dataDir, 'pods', 'orphan', 'volumes', 'kubernetes.io~empty-dir', 'x'), { recursive: true });
    const active = new Set((await other.podsOnDisk()).filter((u) => u !== 'orphan'));
    assert.deepEqual(await other.cleanupOrphans(active), ['orphan']);
    await assert.rejects(stat(join(dataDir, 'pods', 'orphan', 'volumes')), { code: 'ENOENT' });
  });
});
