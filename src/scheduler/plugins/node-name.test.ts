import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Snapshot } from '../framework.js';
import { newPodInfo } from '../pod-info.js';
import { makeNode, makePod, runFilter } from '../testing.js';
import { ERR_REASON_NODE_NAME, nodeName } from './node-name.js';

describe('NodeName', () => {
  it('fits only the named node', () => {
    assert.equal(ERR_REASON_NODE_NAME, "node(s) didn't match the requested node name");
    const pod = makePod('p', { nodeName: 'n1' });
    assert.equal(runFilter(nodeName, pod, makeNode('n1')), undefined);
    assert.equal(runFilter(nodeName, pod, makeNode('n2')), ERR_REASON_NODE_NAME);
  });

  it('does not constrain pods without spec.nodeName', () => {
    assert.equal(nodeName.prepareFilter(newPodInfo(makePod('p')), new Snapshot()), undefined);
  });
});
