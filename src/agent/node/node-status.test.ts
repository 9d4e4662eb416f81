import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../client/clock.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { LEASES, NODES } from '../../client/resources.js';
import { FakeRuntime } from '../runtime/fake-runtime.js';
import { RuntimeError } from '../runtime/runtime.js';
import { type HostInfo, defaultRouteInterface, nodeAddresses, parseMeminfo, parseOsRelease } from './host-info.js';
import { nodeConditions, nodeResources } from './node-object.js';
import { NodeAgent } from './node-status.js';

const GiB = 1024 ** 3;
const host = (over: Partial<HostInfo> = {}): HostInfo => ({
  hostname: 'box', internalIPs: ['192.168.1.10'], cpus: 4, memoryBytes: 8 * GiB, memoryAvailableBytes: 6 * GiB,
  storageBytes: 100 * GiB, storageAvailableBytes: 50 * GiB, inodes: 1000, inodesFree: 900, pidMax: 4_194_304, pidsRunning: 300,
  machineID: 'm1', systemUUID: 's1', bootID: 'b1', kernelVersion: '6.1.0', osImage: 'Debian GNU/Linux 12 (bookworm)',
  operatingSystem: 'linux', architecture: 'amd64', ...over,
});
const healthy = { runtimeVersion: 'containerd://1.6.20', runtimeReady: true, networkReady: true };

describe('host facts', () => {
  test('meminfo, os-release, default route', () => {
    assert.deepEqual(parseMeminfo('MemTotal:        8000 kB\nMemAvailable:    6000 kB\nHugePages_Total:       0\n'), { MemTotal: 8_192_000, MemAvailable: 6_144_000, HugePages_Total: 0 });
    assert.equal(parseOsRelease('NAME="Debian"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'), 'Debian GNU/Linux 12 (bookworm)');
    const routes = 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\nkite0\t00002A0A\t00000000\t0001\t0\t0\t0\t0000FFFF\neth0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\n';
    assert.equal(defaultRouteInterface(routes), 'eth0');
    const ifaces = {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
      kite0: [{ address: '10.42.0.1', family: 'IPv4', internal: false }],
      eth1: [{ address: '172.16.0.2', family: 'IPv4', internal: false }],
      eth0: [{ address: '192.168.1.10', family: 'IPv4', internal: false }],
    } as unknown as Parameters<typeof nodeAddresses>[0];
    assert.deepEqual(nodeAddresses(ifaces, 'eth0'), ['192.168.1.10']);
  });

  test('capacity and allocatable: allocatable holds back the hard-eviction reserves', () => {
    const { capacity, allocatable } = nodeResources(host());
    assert.deepEqual(capacity, { cpu: '4', 'ephemeral-storage': '104857600Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '8388608Ki', pods: '110' });
    assert.equal(allocatable.memory, `${8388608 - 102400}Ki`);
    assert.equal(allocatable['ephemeral-storage'], String(Math.floor(100 * GiB * 0.9)));
    assert.equal(allocatable.cpu, '4');
  });

  test('conditions: pressure from the thresholds, Ready from the runtime, NetworkUnavailable once CNI is up', () => {
    const short = (cs: ReturnType<typeof nodeConditions>) => cs.map((c) => `${c.type}=${c.status}/${c.reason}`);
    assert.deepEqual(short(nodeConditions(host(), healthy)), [
      'NetworkUnavailable=False/CNIReady', 'MemoryPressure=False/KubeletHasSufficientMemory', 'DiskPressure=False/KubeletHasNoDiskPressure',
      'PIDPressure=False/KubeletHasSufficientPID', 'Ready=True/KubeletReady',
    ]);
    const pressed = nodeConditions(host({ memoryAvailableBytes: 50 * 1024 * 1024, storageAvailableBytes: 5 * GiB, pidsRunning: 4_100_000 }), healthy);
    assert.deepEqual(short(pressed).slice(1, 4), ['MemoryPressure=True/KubeletHasInsufficientMemory', 'DiskPressure=True/KubeletHasDiskPressure', 'PIDPressure=True/KubeletHasInsufficientPID']);
    const noNet = nodeConditions(host(), { ...healthy, networkReady: false, networkReason: 'NetworkPluginNotReady', networkMessage: 'cni plugin not initialized' });
    assert.equal(noNet.find((c) => c.type === 'NetworkUnavailable'), undefined);
    assert.deepEqual(noNet.find((c) => c.type === 'Ready'), {
      type: 'Ready', status: 'False', reason: 'KubeletNotReady',
      message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:cni plugin not initialized',
    });
  });
});

describe('NodeAgent', () => {
  const make = (client = new FakeClient(), runtime = new FakeRuntime(), clock = new FakeClock()) => {
    const agent = new NodeAgent({
      client, runtime, clock, hostInfo: async () => host(), log: () => undefined, warn: () => undefined,
      name: 'box', controlPlane: true, labels: { zone: 'a' },
    });
    return { agent, client, runtime, clock };
  };

  test('register creates the Node with labels, nodeInfo and status, and its Lease owned by it', async () => {
    const { agent, client, runtime } = make();
    runtime.addImage('busybox:1.36', 5000);
    await agent.register();
    const node = await client.get<Node>(NODES, undefined, 'box');
    assert.deepEqual(node.metadata?.labels, {
      'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': 'box',
      'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/control-plane': 'true', zone: 'a',
    });
    assert.equal(node.status?.nodeInfo?.kubeletVersion, 'v1.32.0-kite');
    assert.equal(node.status?.nodeInfo?.containerRuntimeVersion, 'fake://0.0.0');
    assert.deepEqual(node.status?.addresses, [{ type: 'InternalIP', address: '192.168.1.10' }, { type: 'Hostname', address: 'box' }]);
    assert.deepEqual(node.status?.daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
    assert.deepEqual(node.status?.images, [{ names: ['docker.io/library/busybox:1.36'], sizeBytes: 5000 }]);
    const lease = await client.get<Lease>(LEASES, 'kube-node-lease', 'box');
    assert.equal(lease.spec?.holderIdentity, 'box');
    assert.equal(lease.spec?.leaseDurationSeconds, 40);
    assert.deepEqual(lease.metadata?.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'box', uid: node.metadata?.uid }]);
  });

  test('an existing Node is taken over: labels merged, status replaced', async () => {
    const client = new FakeClient();
    await client.create<Node>(NODES, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'box', labels: { keep: 'me' } }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } });
    const { agent } = make(client);
    await agent.register();
    const node = await client.get<Node>(NODES, undefined, 'box');
    assert.equal(node.metadata?.labels?.keep, 'me');
    assert.equal(node.metadata?.labels?.['kubernetes.io/hostname'], 'box');
    assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  });

  test('lease renewed every 10 s; status posted on the report interval and at once when the network becomes ready', async () => {
    const runtime = new FakeRuntime();
    let netReady = false;
    runtime.status = async () => ({ status: { conditions: [{ type: 'RuntimeReady', status: true, reason: '', message: '' }, { type: 'NetworkReady', status: netReady, reason: 'NetworkPluginNotReady', message: 'cni plugin not initialized' }] }, info: {} });
    const { agent, client, clock } = make(new FakeClient(), runtime);
    await agent.register();
    const ready = async () => (await client.get<Node>(NODES, undefined, 'box')).status?.conditions?.find((c) => c.type === 'Ready')?.status;
    assert.equal(await ready(), 'False');
    const abort = new AbortController();
    const done = agent.run(abort.signal);
    const renewals = () => client.actions.filter((a) => a.verb === 'update' && a.resource.endsWith('/leases')).length;
    const flush = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    for (let i = 0; i < 10; i++) {
      clock.step(1000);
      await flush();
    }
    assert.equal(renewals(), 1);
    netReady = true;
    clock.step(1000);
    await flush();
    assert.equal(await ready(), 'True', 'posted within a health poll, not the next status interval');
    const statusWrites = () => client.actions.filter((a) => a.verb === 'patch' && a.subresource === 'status').length;
    const before = statusWrites();
    for (let i = 0; i < 10; i++) {
      clock.step(1000);
      await flush();
    }
    assert.equal(statusWrites(), before + 1, 'one heartbeat per 10 s');
    assert.equal(renewals(), 2);
    abort.abort();
    await done;
  });

  test('a failing runtime makes the node NotReady with "container runtime is down"', async () => {
    const runtime = new FakeRuntime();
    const { agent, client } = make(new FakeClient(), runtime);
    await agent.register();
    runtime.status = async () => {
      throw new RuntimeError('Unavailable', 'connection refused');
    };
    await agent.updateStatus(true);
    const ready = (await client.get<Node>(NODES, undefined, 'box')).status?.conditions?.find((c) => c.type === 'Ready');
    assert.equal(ready?.message, 'container runtime is down');
  });
});
