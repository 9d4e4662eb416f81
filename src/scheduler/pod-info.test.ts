import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, hostPorts, newPodInfo, podRequests } from './pod-info.js';
import { makePod } from './testing.js';

const c = (name: string, requests: Record<string, string>, restartPolicy?: string) => ({
  name,
  image: 'x',
  resources: { requests },
  ...(restartPolicy ? { restartPolicy } : {}),
});

describe('podRequests', () => {
  it('sums containers and parses quantities', () => {
    const pod = makePod('p', { cpu: '250m', memory: '64Mi', containers: [c('b', { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '2' })] });
    const r = podRequests(pod);
    assert.equal(r.milliCPU, 1250);
    assert.equal(r.memory, 64 * 2 ** 20 + 2 ** 30);
    assert.equal(r.scalar?.get('nvidia.com/gpu'), 2);
  });

  it('takes the max of the sum and each init container (the upstream example: cpu 3, memory 3G)', () => {
    const pod = makePod('p', {
      cpu: '2',
      memory: '1G',
      containers: [c('c2', { cpu: '1', memory: '1G' })],
      initContainers: [c('i1', { cpu: '2', memory: '1G' }), c('i2', { cpu: '2', memory: '3G' })],
    });
    const r = podRequests(pod);
    assert.equal(r.milliCPU, 3000);
    assert.equal(r.memory, 3e9);
  });

  it('adds sidecars to the sum and to every later init container', () => {
    const pod = makePod('p', {
      cpu: '1',
      initContainers: [c('side', { cpu: '500m' }, 'Always'), c('init', { cpu: '2' })],
    });
    // regular 1 + sidecar 0.5 = 1.5; the init container runs beside the sidecar: 2 + 0.5 = 2.5
    assert.equal(podRequests(pod).milliCPU, 2500);
  });

  it('adds the pod overhead', () => {
    const pod = makePod('p', { cpu: '100m', overhead: { cpu: '250m', memory: '120Mi' } });
    const r = podRequests(pod);
    assert.equal(r.milliCPU, 350);
    assert.equal(r.memory, 120 * 2 ** 20);
  });

  it('counts missing cpu/memory requests at the defaults for non-zero requests, explicit zeros stay zero', () => {
    const none = newPodInfo(makePod('p'));
    assert.equal(none.nonZeroMilliCPU, DEFAULT_MILLI_CPU_REQUEST);
    assert.equal(none.nonZeroMemory, DEFAULT_MEMORY_REQUEST);
    assert.equal(none.requests.milliCPU, 0);
    const cpuOnly = newPodInfo(makePod('p', { cpu: '0', memory: '1Gi' }));
    assert.equal(cpuOnly.nonZeroMilliCPU, 0);
    assert.equal(cpuOnly.nonZeroMemory, 2 ** 30);
  });
});

describe('newPodInfo', () => {
  it('collects host ports with defaults and the owner', () => {
    const pod = makePod('p', { hostPorts: [80], owner: { name: 'rs', uid: 'rs-1' }, priority: 7 });
    pod.spec!.containers[0]!.ports!.push({ containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }, { containerPort: 9000 });
    const info = newPodInfo(pod);
    assert.deepEqual(info.hostPorts, [
      { ip: '0.0.0.0', protocol: 'TCP', port: 80 },
      { ip: '10.0.0.1', protocol: 'UDP', port: 53 },
    ]);
    assert.equal(info.ownerUid, 'rs-1');
    assert.equal(info.spreadOwner, 'rs-1');
    assert.equal(info.priority, 7);
    assert.equal(info.key, 'default/p');
  });

  it('spreads only pods of owners that select their pods', () => {
    assert.equal(newPodInfo(makePod('p', { owner: { kind: 'Job', name: 'j', uid: 'j-1' } })).spreadOwner, undefined);
    assert.equal(newPodInfo(makePod('p', { owner: { kind: 'StatefulSet', name: 's', uid: 's-1' } })).spreadOwner, 's-1');
  });

  it('includes sidecar host ports but not plain init containers', () => {
    const pod = makePod('p', {
      initContainers: [
        { name: 'side', restartPolicy: 'Always', ports: [{ containerPort: 1, hostPort: 1 }] },
        { name: 'init', ports: [{ containerPort: 2, hostPort: 2 }] },
      ],
    });
    assert.deepEqual(hostPorts(pod).map((p) => p.port), [1]);
  });
});
