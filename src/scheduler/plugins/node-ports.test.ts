import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, runFilter } from '../testing.js';
import { ERR_REASON_NODE_PORTS, nodePorts } from './node-ports.js';

describe('NodePorts', () => {
  const node = makeNode('n');

  it('rejects a node where a pod already holds the host port', () => {
    assert.equal(ERR_REASON_NODE_PORTS, "node(s) didn't have free ports for the requested pod ports");
    const holder = makePod('a', { nodeName: 'n', hostPorts: [8080] });
    assert.equal(runFilter(nodePorts, makePod('b', { hostPorts: [8080] }), node, [holder]), ERR_REASON_NODE_PORTS);
    assert.equal(runFilter(nodePorts, makePod('b', { hostPorts: [8081] }), node, [holder]), undefined);
  });

  it('distinguishes protocols and host IPs', () => {
    const holder = makePod('a', { nodeName: 'n' });
    holder.spec!.containers[0]!.ports = [{ containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.1' }];
    const tcp = makePod('b', { hostPorts: [53] });
    assert.equal(runFilter(nodePorts, tcp, node, [holder]), undefined);
    const udpOther = makePod('c');
    udpOther.spec!.containers[0]!.ports = [{ containerPort: 53, hostPort: 53, protocol: 'UDP', hostIP: '10.0.0.2' }];
    assert.equal(runFilter(nodePorts, udpOther, node, [holder]), undefined);
    const udpAny = makePod('d');
    udpAny.spec!.containers[0]!.ports = [{ containerPort: 53, hostPort: 53, protocol: 'UDP' }];
    assert.equal(runFilter(nodePorts, udpAny, node, [holder]), ERR_REASON_NODE_PORTS);
  });

  it('skips pods without host ports', () => {
    const holder = makePod('a', { nodeName: 'n', hostPorts: [80] });
    assert.equal(runFilter(nodePorts, makePod('b'), node, [holder]), undefined);
  });
});
