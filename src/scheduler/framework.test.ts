import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HostPortIndex, Snapshot } from './framework.js';
import { newPodInfo } from './pod-info.js';
import { makeNode, makePod } from './testing.js';

describe('HostPortIndex', () => {
  it('treats 0.0.0.0 as every address of the protocol and port', () => {
    const idx = new HostPortIndex();
    idx.add({ ip: '10.0.0.1', protocol: 'TCP', port: 80 });
    assert.equal(idx.conflicts({ ip: '10.0.0.1', protocol: 'TCP', port: 80 }), true);
    assert.equal(idx.conflicts({ ip: '10.0.0.2', protocol: 'TCP', port: 80 }), false);
    assert.equal(idx.conflicts({ ip: '0.0.0.0', protocol: 'TCP', port: 80 }), true);
    assert.equal(idx.conflicts({ ip: '10.0.0.1', protocol: 'UDP', port: 80 }), false);
    idx.add({ ip: '0.0.0.0', protocol: 'UDP', port: 53 });
    assert.equal(idx.conflicts({ ip: '10.9.9.9', protocol: 'UDP', port: 53 }), true);
    idx.remove({ ip: '0.0.0.0', protocol: 'UDP', port: 53 });
    assert.equal(idx.conflicts({ ip: '10.9.9.9', protocol: 'UDP', port: 53 }), false);
  });
});

describe('Snapshot', () => {
  it('parses allocatable and keeps requested sums as pods come and go', () => {
    const s = new Snapshot();
    s.setNode(makeNode('n1', { cpu: '2', memory: '4Gi', pods: '10' }));
    const n1 = s.get('n1')!;
    assert.equal(n1.allocatableMilliCPU, 2000);
    assert.equal(n1.allocatableMemory, 4 * 2 ** 30);
    assert.equal(n1.allowedPodNumber, 10);

    s.setPod(makePod('a', { cpu: '500m', memory: '1Gi', nodeName: 'n1', hostPorts: [8080], owner: { name: 'rs', uid: 'rs1' } }));
    s.setPod(makePod('b', { nodeName: 'n1', owner: { name: 'rs', uid: 'rs1' } }));
    assert.equal(n1.podCount, 2);
    assert.equal(n1.requestedMilliCPU, 500);
    assert.equal(n1.nonZeroMilliCPU, 600);
    assert.equal(n1.ownerCounts.get('rs1'), 2);
    assert.equal(n1.usedPorts.conflicts({ ip: '0.0.0.0', protocol: 'TCP', port: 8080 }), true);

    // An update replaces, never double counts.
    s.setPod(makePod('a', { cpu: '1', memory: '1Gi', nodeName: 'n1', owner: { name: 'rs', uid: 'rs1' } }));
    assert.equal(n1.requestedMilliCPU, 1000);
    assert.equal(n1.podCount, 2);
    assert.equal(n1.usedPorts.size, 0);

    s.removePod('uid-default-a');
    s.removePod('uid-default-b');
    assert.equal(n1.podCount, 0);
    assert.equal(n1.requestedMilliCPU, 0);
    assert.equal(n1.nonZeroMemory, 0);
    assert.equal(n1.ownerCounts.size, 0);
  });

  it('assumes, confirms and forgets', () => {
    const s = new Snapshot();
    s.setNode(makeNode('n1'));
    const info = newPodInfo(makePod('a', { cpu: '1' }));
    s.assume(info, 'n1');
    assert.equal(s.isAssumed(info.uid), true);
    assert.equal(s.get('n1')!.requestedMilliCPU, 1000);
    assert.equal(s.forget(info.uid), true);
    assert.equal(s.get('n1')!.requestedMilliCPU, 0);

    s.assume(info, 'n1');
    s.setPod({ ...info.pod, spec: { ...info.pod.spec!, nodeName: 'n1' } });
    assert.equal(s.isAssumed(info.uid), false);
    assert.equal(s.forget(info.uid), false, 'a confirmed pod is not forgotten');
    assert.equal(s.get('n1')!.requestedMilliCPU, 1000);
    assert.equal(s.numPods, 1);
  });

  it('keeps pods of a node it has not seen yet, and lists only existing nodes', () => {
    const s = new Snapshot();
    s.setPod(makePod('early', { cpu: '1', nodeName: 'late' }));
    assert.equal(s.numNodes, 0);
    assert.equal(s.get('late'), undefined);
    s.setNode(makeNode('late'));
    assert.equal(s.get('late')!.requestedMilliCPU, 1000);
    s.setNode(makeNode('other'));
    assert.deepEqual(s.list().map((n) => n.name), ['late', 'other']);
    s.removeNode('late');
    assert.deepEqual(s.list().map((n) => n.name), ['other']);
    assert.equal(s.nodeOf('uid-default-early'), 'late');
  });

  it('tracks zones and PreferNoSchedule taints across node updates', () => {
    const s = new Snapshot();
    s.setNode(makeNode('n1'));
    assert.equal(s.hasZones, false);
    s.setNode(makeNode('n1', { labels: { 'topology.kubernetes.io/zone': 'a' }, taints: [{ key: 'k', effect: 'PreferNoSchedule' }] }));
    assert.equal(s.hasZones, true);
    assert.equal(s.hasPreferNoScheduleTaints, true);
    assert.equal(s.numNodes, 1);
    s.setNode(makeNode('n1'));
    assert.equal(s.hasZones, false);
    assert.equal(s.hasPreferNoScheduleTaints, false);
  });
});

describe('Snapshot zone counts', () => {
  it('match a count over all nodes through pod, node and label changes', () => {
    const s = new Snapshot();
    let seed = 11;
    const rnd = (n: number): number => (seed = (seed * 48271) % 2147483647) % n;
    const zoneLabel = (): Record<string, string> => {
      const z = rnd(4);
      return z === 3 ? {} : { 'topology.kubernetes.io/zone': `z${z}` };
    };
    for (let step = 0; step < 3000; step++) {
      const node = `n${rnd(8)}`;
      const op = rnd(10);
      if (op < 5) s.setPod(makePod(`p${rnd(60)}`, { nodeName: node, owner: { name: 'o', uid: `o${rnd(3)}` } }));
      else if (op < 7) s.removePod(`uid-default-p${rnd(60)}`);
      else if (op < 9) s.setNode(makeNode(node, { labels: zoneLabel() }));
      else s.removeNode(node);
      for (const zone of ['z0', 'z1', 'z2']) {
        for (const owner of ['o0', 'o1', 'o2']) {
          let want = 0;
          for (const n of s.list()) if (n.zone === zone) want += n.ownerCounts.get(owner) ?? 0;
          assert.equal(s.zoneOwnerCount(zone, owner), want, `step ${step} ${zone} ${owner}`);
        }
      }
    }
  });
});
