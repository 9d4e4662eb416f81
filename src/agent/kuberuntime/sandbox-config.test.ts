import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseResolvConf, podDNSConfig } from './dns.js';
import { PodHostnameError } from './hostname.js';
import { buildSandboxConfig, podPortMappings } from './sandbox-config.js';
import { testPod } from './testing.js';

describe('buildSandboxConfig', () => {
  let dir: string;
  let resolvConf: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kite-sandbox-'));
    resolvConf = join(dir, 'resolv.conf');
    await writeFile(resolvConf, '# host\nnameserver 192.168.1.1\nnameserver 192.168.1.2\nsearch example.com corp.example.\noptions edns0 ndots:2\n');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('identity, hostname, log directory, labels, annotations, cgroup, namespaces', () => {
    const pod = testPod({}, { labels: { app: 'web' }, annotations: { note: 'x' } });
    const c = buildSandboxConfig(pod, { dataDir: '/data', attempt: 2, dns: { resolvConf } });
    const uid = pod.metadata?.uid;
    assert.deepEqual(c.metadata, { name: 'web', namespace: 'default', uid, attempt: 2 });
    assert.equal(c.hostname, 'web');
    assert.equal(c.logDirectory, `/data/log/pods/default_web_${uid}`);
    assert.deepEqual(c.labels, { app: 'web', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': uid });
    assert.deepEqual(c.annotations, { note: 'x' });
    assert.equal(c.linux?.cgroupParent, `/kite/besteffort/pod${uid}`);
    assert.deepEqual(c.linux?.securityContext?.namespaceOptions, { network: 'POD', pid: 'CONTAINER', ipc: 'POD' });
    assert.equal(c.linux?.securityContext?.privileged, false);
    assert.deepEqual(c.linux?.securityContext?.seccomp, { profileType: 'RuntimeDefault' });
    assert.deepEqual(c.linux?.resources, { cpuShares: 2, cpuPeriod: 100000, cpuQuota: 0 });
    assert.equal(c.portMappings, undefined);
  });

  test('cgroup parent follows the QoS class under the configured root', () => {
    const guaranteed = testPod({ containers: [{ name: 'a', resources: { requests: { cpu: '500m', memory: '64Mi' }, limits: { cpu: '500m', memory: '64Mi' } } }] });
    const burstable = testPod({ containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }] });
    const uid = guaranteed.metadata?.uid;
    assert.equal(buildSandboxConfig(guaranteed, { dataDir: '/d', cgroupRoot: '/kite-test' }).linux?.cgroupParent, `/kite-test/pod${uid}`);
    assert.equal(buildSandboxConfig(burstable, { dataDir: '/d' }).linux?.cgroupParent, `/kite/burstable/pod${uid}`);
    assert.equal(buildSandboxConfig({ ...burstable, status: { qosClass: 'BestEffort' } }, { dataDir: '/d' }).linux?.cgroupParent, `/kite/besteffort/pod${uid}`);
  });

  test('pod resources, overhead, sysctls, run-as and groups, privileged when any container is', () => {
    const pod = testPod({
      initContainers: [{ name: 'init', securityContext: { privileged: true }, resources: { limits: { cpu: '2', memory: '1Gi' } } }],
      containers: [
        { name: 'a', resources: { requests: { cpu: '250m' }, limits: { cpu: '500m', memory: '128Mi' } } },
        { name: 'b', resources: { requests: { cpu: '250m' }, limits: { cpu: '500m', memory: '128Mi' } } },
      ],
      overhead: { cpu: '100m', memory: '10Mi' },
      securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000, 5000], sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
    });
    const c = buildSandboxConfig(pod, { dataDir: '/d' });
    // requests: max(250m+250m, init: none) = 500m -> 512 shares; limits: max(1, init 2) = 2 cpu; memory max(256Mi, 1Gi)
    assert.deepEqual(c.linux?.resources, { cpuShares: 512, cpuPeriod: 100000, cpuQuota: 200000, memoryLimitInBytes: 1024 ** 3 });
    assert.deepEqual(c.linux?.overhead, { cpuShares: 102, cpuPeriod: 100000, cpuQuota: 10000, memoryLimitInBytes: 10 * 1024 ** 2 });
    assert.deepEqual(c.linux?.sysctls, { 'net.ipv4.ip_unprivileged_port_start': '0' });
    const sc = c.linux?.securityContext;
    assert.deepEqual([sc?.runAsUser, sc?.runAsGroup, sc?.supplementalGroups, sc?.privileged], [{ value: 1000 }, { value: 3000 }, [2000, 4000, 5000], true]);
  });

  test('host namespaces and a shared PID namespace', () => {
    const host = buildSandboxConfig(testPod({ hostNetwork: true, hostPID: true, hostIPC: true }), { dataDir: '/d', dns: { resolvConf } });
    assert.deepEqual(host.linux?.securityContext?.namespaceOptions, { network: 'NODE', pid: 'NODE', ipc: 'NODE' });
    assert.equal(host.hostname, undefined, 'a host-network pod keeps the node hostname');
    const shared = buildSandboxConfig(testPod({ shareProcessNamespace: true }), { dataDir: '/d' });
    assert.equal(shared.linux?.securityContext?.namespaceOptions?.pid, 'POD');
  });

  test('hostname: spec.hostname, truncation, FQDN, invalid labels', () => {
    const c = buildSandboxConfig(testPod({ hostname: 'db-0', subdomain: 'db', setHostnameAsFQDN: true }), { dataDir: '/d' });
    assert.equal(c.hostname, 'db-0.db.default.svc.cluster.local');
    assert.equal(buildSandboxConfig(testPod({ hostname: 'db-0', subdomain: 'db' }), { dataDir: '/d' }).hostname, 'db-0');
    const long = `${'a'.repeat(62)}-b`;
    assert.equal(buildSandboxConfig(testPod({}, { name: `${long}cdef` }), { dataDir: '/d' }).hostname, 'a'.repeat(62));
    assert.throws(() => buildSandboxConfig(testPod({ hostname: 'Bad_Name' }), { dataDir: '/d' }), (err: Error) =>
      err instanceof PodHostnameError && err.message.startsWith('pod Hostname "Bad_Name" is not a valid DNS label: '));
    assert.throws(() => buildSandboxConfig(testPod({ hostname: 'a'.repeat(40), subdomain: 'b'.repeat(20), setHostnameAsFQDN: true }), { dataDir: '/d' }), /FQDN .* is too long \(64 characters is the max, 87 characters requested\)/);
  });

  test('host ports become port mappings', () => {
    const pod = testPod({ containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' }, { containerPort: 9000 }] }] });
    assert.deepEqual(podPortMappings(pod), [
      { protocol: 'TCP', containerPort: 80, hostPort: 8080 },
      { protocol: 'UDP', containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1' },
    ]);
  });

  describe('DNS', () => {
    test('ClusterFirst: cluster DNS, namespace search path before the host\'s, ndots:5', () => {
      const { dnsConfig, events } = podDNSConfig(testPod({}, { namespace: 'shop' }), { resolvConf });
      assert.deepEqual(dnsConfig, {
        servers: ['10.43.0.10'],
        searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'example.com', 'corp.example'],
        options: ['ndots:5'],
      });
      assert.deepEqual(events, []);
    });

    test('Default and host-network ClusterFirst use the node resolv.conf; ClusterFirstWithHostNet does not', () => {
      const host = { servers: ['192.168.1.1', '192.168.1.2'], searches: ['example.com', 'corp.example'], options: ['edns0', 'ndots:2'] };
      assert.deepEqual(podDNSConfig(testPod({ dnsPolicy: 'Default' }), { resolvConf }).dnsConfig, host);
      assert.deepEqual(podDNSConfig(testPod({ hostNetwork: true }), { resolvConf }).dnsConfig, host);
      assert.deepEqual(podDNSConfig(testPod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), { resolvConf }).dnsConfig.servers, ['10.43.0.10']);
      assert.deepEqual(podDNSConfig(testPod({ dnsPolicy: 'Default' }), { resolvConf: '', nodeIPs: ['10.0.0.1'] }).dnsConfig, { servers: ['127.0.0.1'], searches: ['.'], options: [] });
    });

    test('None takes spec.dnsConfig only; dnsConfig merges (options by name)', () => {
      const none = podDNSConfig(testPod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.example'], options: [{ name: 'ndots', value: '1' }, { name: 'rotate' }] } }), { resolvConf });
      assert.deepEqual(none.dnsConfig, { servers: ['1.1.1.1'], searches: ['a.example'], options: ['ndots:1', 'rotate'] });
      const merged = podDNSConfig(testPod({ dnsConfig: { nameservers: ['10.43.0.10', '8.8.8.8'], searches: ['svc.cluster.local', 'x.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }), { resolvConf: join(dir, 'missing') });
      assert.deepEqual(merged.dnsConfig, {
        servers: ['10.43.0.10', '8.8.8.8'],
        searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'x.example'],
        options: ['ndots:2', 'edns0'],
      });
    });

    test('limits: 3 nameservers, 32 search paths, with DNSConfigForming events', () => {
      const searches = Array.from({ length: 40 }, (_, i) => `s${i}.example`);
      const { dnsConfig, events } = podDNSConfig(testPod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'], searches } }));
      assert.deepEqual(dnsConfig.servers, ['1.1.1.1', '2.2.2.2', '3.3.3.3']);
      assert.equal(dnsConfig.searches?.length, 32);
      assert.deepEqual(events.map((e) => e.reason), ['DNSConfigForming', 'DNSConfigForming']);
      assert.equal(events[0]?.message, 'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 1.1.1.1 2.2.2.2 3.3.3.3');
      assert.match(events[1]?.message ?? '', /^Search Line limits were exceeded, some search paths have been omitted, the applied search line is: s0\.example s1\.example/);
    });

    test('no cluster DNS: falls back to Default with a MissingClusterDNS event', () => {
      const pod = testPod();
      const { dnsConfig, events } = podDNSConfig(pod, { clusterDNS: [], resolvConf });
      assert.deepEqual(dnsConfig.servers, ['192.168.1.1', '192.168.1.2']);
      assert.equal(events[0]?.reason, 'MissingClusterDNS');
      assert.equal(events[0]?.message, `pod: "web_default(${pod.metadata?.uid})". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`);
    });

    test('parseResolvConf: last search line wins, comments skipped, options merged', () => {
      assert.deepEqual(parseResolvConf('; c\nsearch a b\nsearch c. .\nnameserver 1.2.3.4\noptions ndots:1\noptions ndots:3 attempts:2\n'), {
        servers: ['1.2.3.4'], searches: ['c'], options: ['ndots:3', 'attempts:2'],
      });
    });
  });
});
