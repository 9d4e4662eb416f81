import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { MountedVolume } from '../volumes/types.js';
import { buildContainerConfig, type ContainerConfigOptions } from './container-config.js';
import { CreateContainerConfigError } from './errors.js';
import { containerHash, parseContainerLabels } from './labels.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, imageUserOf, verifyRunAsNonRoot } from './security-context.js';
import { fakeContext, testPod } from './testing.js';

const GiB = 1024 ** 3;

describe('buildContainerConfig', () => {
  let dataDir: string;
  let volumes: Map<string, MountedVolume>;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kite-ccfg-'));
    const data = join(dataDir, 'vol-data');
    await mkdir(join(data, 'existing'), { recursive: true, mode: 0o775 });
    await symlink('/etc', join(data, 'escape'));
    volumes = new Map([
      ['data', { hostPath: data, readOnly: false, plugin: 'kubernetes.io/empty-dir' }],
      ['creds', { hostPath: join(dataDir, 'vol-creds'), readOnly: true, plugin: 'kubernetes.io/secret' }],
    ]);
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const build = (pod: Pod, container: Container, extra: Partial<ContainerConfigOptions> = {}) =>
    buildContainerConfig(pod, container, { dataDir, restartCount: 0, imageUser: { uid: 65534 }, volumes, context: fakeContext(), podIPs: ['10.42.0.9'], memoryCapacityBytes: 4 * GiB, ...extra });

  test('the whole config of a simple container', async () => {
    const container: Container = {
      name: 'app', image: 'busybox:1', command: ['sh', '-c'], args: ['echo $(GREETING) > /data/out'], workingDir: '/work',
      env: [{ name: 'GREETING', value: 'hello' }], tty: true, stdin: true, stdinOnce: true,
      volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'creds', mountPath: '/creds' }],
    };
    const pod = testPod({ containers: [container], terminationGracePeriodSeconds: 30 });
    const { config, terminationMessageHostPath, env } = await build(pod, container, { restartCount: 3, imageRef: 'sha256:abc' });
    assert.deepEqual(config.metadata, { name: 'app', attempt: 3 });
    assert.deepEqual(config.image, { image: 'sha256:abc' });
    assert.deepEqual(config.command, ['sh', '-c']);
    assert.deepEqual(config.args, ['echo hello > /data/out']);
    assert.equal(config.workingDir, '/work');
    assert.equal(config.logPath, 'app/3.log');
    assert.deepEqual([config.tty, config.stdin, config.stdinOnce], [true, true, true]);
    assert.equal(env.get('GREETING'), 'hello');
    assert.deepEqual(config.envs?.[0], { key: 'GREETING', value: 'hello' });

    const uid = pod.metadata?.uid ?? '';
    assert.deepEqual(config.mounts?.slice(0, 3), [
      { containerPath: '/data', hostPath: volumes.get('data')?.hostPath, readonly: false, propagation: 'PROPAGATION_PRIVATE' },
      { containerPath: '/creds', hostPath: volumes.get('creds')?.hostPath, readonly: true, propagation: 'PROPAGATION_PRIVATE' },
      { containerPath: '/etc/hosts', hostPath: join(dataDir, 'pods', uid, 'etc-hosts'), readonly: false, propagation: 'PROPAGATION_PRIVATE' },
    ]);
    const term = config.mounts?.[3];
    assert.equal(term?.containerPath, '/dev/termination-log');
    assert.equal(term?.hostPath, terminationMessageHostPath);
    assert.ok(term?.hostPath.startsWith(join(dataDir, 'pods', uid, 'containers', 'app') + '/'));
    assert.equal((await stat(term?.hostPath ?? '')).mode & 0o777, 0o666);
    assert.equal(await readFile(join(dataDir, 'pods', uid, 'etc-hosts'), 'utf8'), [
      '# Kubernetes-managed hosts file.', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet',
      'fe00::0\tip6-mcastprefix', 'fe00::1\tip6-allnodes', 'fe00::2\tip6-allrouters', '10.42.0.9\tweb', '',
    ].join('\n'));

    assert.deepEqual(config.labels, { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': uid, 'io.kubernetes.container.name': 'app' });
    const id = parseContainerLabels(config.labels ?? {}, config.annotations ?? {});
    assert.deepEqual([id.containerName, id.podUid, id.restartCount, id.hash, id.terminationMessagePath, id.terminationGracePeriodSeconds], ['app', uid, 3, containerHash(container), '/dev/termination-log', 30]);
    assert.equal(containerHash(container), containerHash({ ...container, args: ['other'] }), 'only name and image count');
    assert.notEqual(containerHash(container), containerHash({ ...container, image: 'busybox:2' }));

    assert.deepEqual(config.linux?.resources, { cpuShares: 2, cpuPeriod: 100000, cpuQuota: 0, oomScoreAdj: 1000 });
    const sc = config.linux?.securityContext;
    assert.deepEqual(sc?.namespaceOptions, { network: 'POD', pid: 'CONTAINER', ipc: 'POD' });
    assert.deepEqual(sc?.runAsUser, { value: 65534 }, 'the image user is passed on');
    assert.deepEqual([sc?.privileged, sc?.readonlyRootfs, sc?.noNewPrivs], [false, false, false]);
    assert.deepEqual(sc?.seccomp, { profileType: 'Unconfined' });
    assert.deepEqual([sc?.maskedPaths, sc?.readonlyPaths], [DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS]);
  });

  test('/etc/hosts with subdomain FQDN and host aliases; none before the pod has an IP', async () => {
    const pod = testPod({ hostname: 'db-0', subdomain: 'db', hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local', 'bar.local'] }] }, { uid: 'hosts-uid' });
    const c: Container = { name: 'app' };
    assert.equal((await build(pod, c, { podIPs: [] })).config.mounts?.some((m) => m.containerPath === '/etc/hosts'), false);
    await build(pod, c);
    const hosts = await readFile(join(dataDir, 'pods', 'hosts-uid', 'etc-hosts'), 'utf8');
    assert.ok(hosts.endsWith('10.42.0.9\tdb-0.db.default.svc.cluster.local\tdb-0\n\n# Entries added by HostAliases.\n10.1.2.3\tfoo.local\tbar.local\n'), hosts);
    const own = await build(pod, { name: 'x', volumeMounts: [{ name: 'data', mountPath: '/etc/hosts', subPath: 'hosts' }] });
    assert.equal(own.config.mounts?.filter((m) => m.containerPath === '/etc/hosts').length, 1, 'a container mounting its own /etc/hosts keeps it');
  });

  test('a host-network pod: the node\'s IPs stand in for pod IPs, /etc/hosts is the node\'s plus aliases', async () => {
    const pod = testPod({ hostNetwork: true, hostAliases: [{ ip: '10.9.9.9', hostnames: ['alias.local'] }], containers: [{ name: 'app', env: [{ name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] }] }, { uid: 'hostnet-uid' });
    const { env, config } = await build(pod, pod.spec?.containers[0] as Container, { podIPs: [], hostIPs: ['192.168.7.7'] });
    assert.equal(env.get('IP'), '192.168.7.7');
    assert.ok(config.mounts?.some((m) => m.containerPath === '/etc/hosts'));
    const hosts = await readFile(join(dataDir, 'pods', 'hostnet-uid', 'etc-hosts'), 'utf8');
    assert.ok(hosts.startsWith('# Kubernetes-managed hosts file (host network).\n'));
    assert.ok(hosts.endsWith('\n# Entries added by HostAliases.\n10.9.9.9\talias.local\n'));
  });

  test('subPath and subPathExpr: created inside the volume, never outside it', async () => {
    const pod = testPod();
    const c: Container = {
      name: 'app', env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      volumeMounts: [
        { name: 'data', mountPath: '/a', subPath: 'existing' },
        { name: 'data', mountPath: '/b', subPathExpr: 'logs/$(POD)', readOnly: true, mountPropagation: 'HostToContainer' },
      ],
      terminationMessagePath: '',
    };
    const { config } = await build(pod, c);
    const data = volumes.get('data')?.hostPath ?? '';
    assert.deepEqual(config.mounts?.[0], { containerPath: '/a', hostPath: join(data, 'existing'), readonly: false, propagation: 'PROPAGATION_PRIVATE' });
    assert.deepEqual(config.mounts?.[1], { containerPath: '/b', hostPath: join(data, 'logs', 'web'), readonly: true, propagation: 'PROPAGATION_HOST_TO_CONTAINER' });
    assert.equal((await stat(join(data, 'logs', 'web'))).isDirectory(), true);
    assert.equal(config.mounts?.some((m) => m.containerPath === '/dev/termination-log'), false, 'terminationMessagePath "" means none');

    const fails = (vm: Container['volumeMounts'], message: string | RegExp) =>
      assert.rejects(build(pod, { name: 'app', volumeMounts: vm }), (err: Error) => err instanceof CreateContainerConfigError && (typeof message === 'string' ? err.message === message : message.test(err.message)));
    await fails([{ name: 'data', mountPath: '/x', subPath: '/abs' }], 'error SubPath `/abs` must not be an absolute path');
    await fails([{ name: 'data', mountPath: '/x', subPath: 'a/../../etc' }], "unable to provision SubPath `a/../../etc`: must not contain '..'");
    await fails([{ name: 'data', mountPath: '/x', subPath: 'escape' }], /^subpath "\/etc" not within volume path /);
    await fails([{ name: 'data', mountPath: '/x', subPath: 'escape/kite-should-not-exist' }], /^subpath "\/etc" not within volume path /);
    await assert.rejects(stat('/etc/kite-should-not-exist'), { code: 'ENOENT' });
    await fails([{ name: 'nope', mountPath: '/x' }], 'cannot find volume "nope" to mount into container "app"');
    await fails([{ name: 'data', mountPath: '/x', subPathExpr: '$(MISSING)' }], 'missing value for MISSING');
  });

  test('resources and OOM score by QoS', async () => {
    const guaranteed: Container = { name: 'g', resources: { requests: { cpu: '1500m', memory: '512Mi' }, limits: { cpu: '1500m', memory: '512Mi' } } };
    const g = await build(testPod({ containers: [guaranteed] }), guaranteed);
    assert.deepEqual(g.config.linux?.resources, { cpuShares: 1536, cpuPeriod: 100000, cpuQuota: 150000, memoryLimitInBytes: 512 * 1024 ** 2, oomScoreAdj: -997 });
    const burstable: Container = { name: 'b', resources: { requests: { cpu: '1m', memory: `${GiB}` }, limits: { cpu: '5m' } } };
    const b = await build(testPod({ containers: [burstable] }), burstable);
    // 1m -> 1 share, raised to 2; 5m -> 500 us quota, raised to 1 ms; 1 GiB of 4 GiB -> 750
    assert.deepEqual(b.config.linux?.resources, { cpuShares: 2, cpuPeriod: 100000, cpuQuota: 1000, oomScoreAdj: 750 });
    const limitOnly: Container = { name: 'l', resources: { limits: { cpu: '250m' } } };
    assert.equal((await build(testPod({ containers: [limitOnly] }), limitOnly)).config.linux?.resources?.cpuShares, 256, 'shares from the limit without a request');
    const tiny: Container = { name: 't', resources: { requests: { memory: '1' } } };
    assert.equal((await build(testPod({ containers: [tiny] }), tiny)).config.linux?.resources?.oomScoreAdj, 999, 'burstable stays below best effort');
    const critical = testPod({ containers: [tiny], priorityClassName: 'system-node-critical' });
    assert.equal((await build(critical, tiny)).config.linux?.resources?.oomScoreAdj, -997);
  });

  test('security context: pod defaults, container overrides, capabilities, seccomp, privileged', async () => {
    const c: Container = {
      name: 'app',
      securityContext: { runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] } },
    };
    const pod = testPod({ containers: [c], securityContext: { runAsUser: 5, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [7], seccompProfile: { type: 'RuntimeDefault' } } });
    const sc = (await build(pod, c)).config.linux?.securityContext;
    assert.deepEqual(sc?.runAsUser, { value: 1000 });
    assert.deepEqual(sc?.runAsGroup, { value: 3000 });
    assert.deepEqual(sc?.supplementalGroups, [2000, 7]);
    assert.deepEqual([sc?.readonlyRootfs, sc?.noNewPrivs], [true, true]);
    assert.deepEqual(sc?.capabilities, { addCapabilities: ['NET_BIND_SERVICE'], dropCapabilities: ['ALL'] });
    assert.deepEqual(sc?.seccomp, { profileType: 'RuntimeDefault' });

    const priv: Container = { name: 'p', securityContext: { privileged: true, seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } } };
    const psc = (await build(testPod({ containers: [priv] }), priv, { seccompProfileRoot: '/var/lib/kite/seccomp' })).config.linux?.securityContext;
    assert.equal(psc?.privileged, true);
    assert.equal(psc?.maskedPaths, undefined, 'nothing masked for a privileged container');
    assert.deepEqual(psc?.seccomp, { profileType: 'Localhost', localhostRef: '/var/lib/kite/seccomp/profiles/audit.json' });

    const plain: Container = { name: 'n' };
    const dflt = (await build(testPod(), plain, { seccompDefault: true, imageUser: { username: 'www' } })).config.linux?.securityContext;
    assert.deepEqual(dflt?.seccomp, { profileType: 'RuntimeDefault' });
    assert.equal(dflt?.runAsUser, undefined);
    assert.equal(dflt?.runAsUsername, 'www');
    const unmasked: Container = { name: 'u', securityContext: { procMount: 'Unmasked' } };
    assert.equal((await build(testPod(), unmasked)).config.linux?.securityContext?.maskedPaths, undefined);
  });

  test('runAsNonRoot: the kubelet\'s messages, checked before anything is written', async () => {
    const pod = testPod({ securityContext: { runAsNonRoot: true } });
    const c: Container = { name: 'app' };
    const uid = pod.metadata?.uid;
    assert.equal(verifyRunAsNonRoot(pod, c, imageUserOf(undefined)), `container has runAsNonRoot and image will run as root (pod: "web_default(${uid})", container: app)`);
    assert.equal(verifyRunAsNonRoot(pod, c, imageUserOf({ id: 'x', repoTags: [], repoDigests: [], size: 0, username: 'nginx', pinned: false })),
      `container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root (pod: "web_default(${uid})", container: app)`);
    assert.equal(verifyRunAsNonRoot(pod, c, imageUserOf({ id: 'x', repoTags: [], repoDigests: [], size: 0, uid: { value: 101 }, username: '', pinned: false })), undefined);
    assert.equal(verifyRunAsNonRoot(pod, { name: 'app', securityContext: { runAsUser: 1000 } }, { uid: 0 }), undefined);
    assert.equal(verifyRunAsNonRoot(pod, { name: 'app', securityContext: { runAsUser: 0 } }, { uid: 1 }), `container's runAsUser breaks non-root policy (pod: "web_default(${uid})", container: app)`);
    assert.equal(verifyRunAsNonRoot(pod, { name: 'app', securityContext: { runAsNonRoot: false } }, { uid: 0 }), undefined, 'the container can opt out');
    assert.equal(verifyRunAsNonRoot(testPod(), { name: 'app', securityContext: { runAsNonRoot: true } }, { uid: 0 })?.includes('will run as root'), true);

    const fresh = testPod({ securityContext: { runAsNonRoot: true } }, { uid: 'never-written' });
    await assert.rejects(build(fresh, c, { imageUser: { uid: 0 } }), (err: Error) => err instanceof CreateContainerConfigError && /image will run as root/.test(err.message));
    await assert.rejects(stat(join(dataDir, 'pods', 'never-written')), { code: 'ENOENT' });
  });

  test('failures while resolving become CreateContainerConfigError', async () => {
    const c: Container = { name: 'app', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'gone', key: 'k' } } }] };
    await assert.rejects(build(testPod(), c), (err: Error) => err instanceof CreateContainerConfigError && err.message === 'secret "gone" not found');
    const broken = { ...fakeContext(), listServices: async () => { throw new Error('connection refused'); } };
    await assert.rejects(build(testPod(), { name: 'app' }, { context: broken }), (err: Error) => err instanceof CreateContainerConfigError && err.message === 'connection refused');
    await assert.rejects(build(testPod(), { name: 'app', volumeMounts: [{ name: 'data', mountPath: '/x', mountPropagation: 'Sideways' as 'None' }] }), { message: 'invalid MountPropagation mode: "Sideways"' });
  });
});
