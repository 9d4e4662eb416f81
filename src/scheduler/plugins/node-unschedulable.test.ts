import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, runFilter } from '../testing.js';
import { ERR_REASON_UNSCHEDULABLE, nodeUnschedulable } from './node-unschedulable.js';

describe('NodeUnschedulable', () => {
  it('rejects a cordoned node', () => {
    assert.equal(ERR_REASON_UNSCHEDULABLE, 'node(s) were unschedulable');
    assert.equal(runFilter(nodeUnschedulable, makePod('p'), makeNode('n', { unschedulable: true })), ERR_REASON_UNSCHEDULABLE);
    assert.equal(runFilter(nodeUnschedulable, makePod('p'), makeNode('n')), undefined);
  });

  it('admits pods that tolerate the unschedulable taint', () => {
    const node = makeNode('n', { unschedulable: true });
    const exists = makePod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.equal(runFilter(nodeUnschedulable, exists, node), undefined);
    const everything = makePod('p', { tolerations: [{ operator: 'Exists' }] });
    assert.equal(runFilter(nodeUnschedulable, everything, node), undefined);
    const wrongEffect = makePod('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }] });
    assert.equal(runFilter(nodeUnschedulable, wrongEffect, node), ERR_REASON_UNSCHEDULABLE);
  });
});
