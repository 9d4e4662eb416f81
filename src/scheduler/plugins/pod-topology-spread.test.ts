import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, runScore } from '../testing.js';
import { podTopologySpread, scoreForCount, topologyNormalizingWeight } from './pod-topology-spread.js';

const owner = { name: 'web-abc', uid: 'rs-web' };
const replica = (name: string, nodeName: string) => makePod(name, { nodeName, owner });

describe('PodTopologySpread (default constraints)', () => {
  it('scores nodes with fewer replicas of the same owner higher', () => {
    const nodes = [makeNode('a'), makeNode('b'), makeNode('c')];
    const assigned = [replica('r1', 'a'), replica('r2', 'a'), replica('r3', 'b'), makePod('other', { nodeName: 'c', owner: { name: 'x', uid: 'rs-x' } })];
    const scores = runScore(podTopologySpread, makePod('p', { owner }), nodes, assigned)!;
    // weight ln(5) = 1.609: a = round(2*1.609 + 2) = 5, b = round(1.609 + 2) = 4, c = 2
    // normalized 100 * (max + min - s) / max with max 5, min 2: a 40, b 60, c 100
    assert.deepEqual(scores, { a: 40, b: 60, c: 100 });
  });

  it('gives every node 100 when the owner has no pods yet', () => {
    const scores = runScore(podTopologySpread, makePod('p', { owner }), [makeNode('a'), makeNode('b')])!;
    assert.deepEqual(scores, { a: 100, b: 100 });
  });

  it('skips pods without a selecting owner', () => {
    assert.equal(runScore(podTopologySpread, makePod('p'), [makeNode('a')]), undefined);
    assert.equal(runScore(podTopologySpread, makePod('p', { owner: { kind: 'Job', name: 'j', uid: 'j' } }), [makeNode('a')]), undefined);
  });

  it('spreads across zones too', () => {
    const z = (zone: string) => ({ labels: { 'topology.kubernetes.io/zone': zone } });
    const nodes = [makeNode('a1', z('a')), makeNode('a2', z('a')), makeNode('b1', z('b'))];
    const assigned = [replica('r1', 'a1')];
    const scores = runScore(podTopologySpread, makePod('p', { owner }), nodes, assigned)!;
    // host weight ln(5), zone weight ln(4): a1 = 1.609+2 + 1.386+4 = 9; a2 = 2 + 5.386 = 7; b1 = 2 + 4 = 6
    // normalized (max 9, min 6): a1 100*6/9 = 66, a2 100*8/9 = 88, b1 100
    assert.deepEqual(scores, { a1: 66, a2: 88, b1: 100 });
  });

  it('uses upstream weights', () => {
    assert.equal(podTopologySpread.weight, 2);
    assert.equal(topologyNormalizingWeight(3), Math.log(5));
    assert.equal(scoreForCount(2, 3, 1.5), 5);
  });
});
