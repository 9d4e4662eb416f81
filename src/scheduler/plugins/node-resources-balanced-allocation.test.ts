import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, runScore } from '../testing.js';
import { balancedScore, nodeResourcesBalancedAllocation } from './node-resources-balanced-allocation.js';

describe('NodeResourcesBalancedAllocation', () => {
  it('scores (1 - |cpu fraction - memory fraction| / 2) * 100', () => {
    assert.equal(balancedScore(2000, 4000, 4, 8), 100);
    assert.equal(balancedScore(3000, 4000, 1, 4), 75);
    assert.equal(balancedScore(8000, 4000, 0, 4), 50, 'fractions are capped at 1');
    assert.equal(balancedScore(1000, 0, 1, 4), 100, 'a resource with no allocatable is left out');
  });

  it('prefers the node the pod balances', () => {
    const nodes = [makeNode('cpuHeavy', { cpu: '4', memory: '4Gi' }), makeNode('memHeavy', { cpu: '4', memory: '4Gi' })];
    const assigned = [makePod('a', { cpu: '3', nodeName: 'cpuHeavy' }), makePod('b', { memory: '3Gi', nodeName: 'memHeavy' })];
    const scores = runScore(nodeResourcesBalancedAllocation, makePod('p', { memory: '1Gi' }), nodes, assigned)!;
    // cpuHeavy: cpu 3/4, mem 1/4 -> 75; memHeavy: cpu 0, mem 4/4 -> 50
    assert.deepEqual(scores, { cpuHeavy: 75, memHeavy: 50 });
  });

  it('skips best-effort pods', () => {
    assert.equal(runScore(nodeResourcesBalancedAllocation, makePod('p'), [makeNode('n')]), undefined);
  });
});
