import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, runFilter, runScore } from '../testing.js';
import { leastRequestedScore, nodeResourcesFitFilter, nodeResourcesLeastAllocated } from './node-resources-fit.js';

describe('NodeResourcesFit filter', () => {
  const node = makeNode('n', { cpu: '2', memory: '4Gi', pods: '3' });

  it('fits within allocatable minus what assigned pods request', () => {
    const assigned = [makePod('a', { cpu: '1500m', memory: '1Gi', nodeName: 'n' })];
    assert.equal(runFilter(nodeResourcesFitFilter, makePod('p', { cpu: '500m', memory: '3Gi' }), node, assigned), undefined);
    assert.deepEqual(runFilter(nodeResourcesFitFilter, makePod('p', { cpu: '501m' }), node, assigned), ['Insufficient cpu']);
    assert.deepEqual(runFilter(nodeResourcesFitFilter, makePod('p', { cpu: '1', memory: '4Gi' }), node, assigned), ['Insufficient cpu', 'Insufficient memory']);
  });

  it('reports Too many pods against allocatable pods', () => {
    const assigned = [makePod('a', { nodeName: 'n' }), makePod('b', { nodeName: 'n' }), makePod('c', { nodeName: 'n' })];
    assert.deepEqual(runFilter(nodeResourcesFitFilter, makePod('p'), node, assigned), ['Too many pods']);
    assert.deepEqual(runFilter(nodeResourcesFitFilter, makePod('p', { cpu: '3' }), node, assigned), ['Too many pods', 'Insufficient cpu']);
    assert.deepEqual(runFilter(nodeResourcesFitFilter, makePod('p'), makeNode('n', { pods: '0' })), ['Too many pods']);
  });

  it('uses init containers (max rule) and overhead', () => {
    const init = makePod('p', { cpu: '100m', initContainers: [{ name: 'i', resources: { requests: { cpu: '3' } } }] });
    assert.deepEqual(runFilter(nodeResourcesFitFilter, init, node), ['Insufficient cpu']);
    const overhead = makePod('p', { cpu: '1900m', overhead: { cpu: '200m' } });
    assert.deepEqual(runFilter(nodeResourcesFitFilter, overhead, node), ['Insufficient cpu']);
  });

  it('lets zero-request pods onto an over-committed node', () => {
    const over = [makePod('a', { cpu: '3', nodeName: 'n' })];
    assert.equal(runFilter(nodeResourcesFitFilter, makePod('p', { memory: '1Mi' }), node, over), undefined);
  });

  it('checks extended resources and ephemeral storage', () => {
    const gpuNode = makeNode('g', { extra: { 'nvidia.com/gpu': '1', 'ephemeral-storage': '10Gi' } });
    const gpu = makePod('p', { containers: [{ name: 'x', resources: { requests: { 'nvidia.com/gpu': '2', 'ephemeral-storage': '20Gi' } } }] });
    assert.deepEqual(runFilter(nodeResourcesFitFilter, gpu, gpuNode), ['Insufficient ephemeral-storage', 'Insufficient nvidia.com/gpu']);
    assert.deepEqual(runFilter(nodeResourcesFitFilter, gpu, node), ['Insufficient ephemeral-storage', 'Insufficient nvidia.com/gpu']);
  });
});

describe('NodeResourcesFit score (LeastAllocated)', () => {
  it('computes (capacity - requested) * 100 / capacity', () => {
    assert.equal(leastRequestedScore(0, 4000), 100);
    assert.equal(leastRequestedScore(1000, 4000), 75);
    assert.equal(leastRequestedScore(3333, 10000), 66);
    assert.equal(leastRequestedScore(5000, 4000), 0);
    assert.equal(leastRequestedScore(1, 0), 0);
  });

  it('averages cpu and memory including the incoming pod', () => {
    const nodes = [makeNode('empty', { cpu: '4', memory: '8Gi' }), makeNode('busy', { cpu: '4', memory: '8Gi' })];
    const assigned = [makePod('a', { cpu: '2', memory: '4Gi', nodeName: 'busy' })];
    const scores = runScore(nodeResourcesLeastAllocated, makePod('p', { cpu: '1', memory: '2Gi' }), nodes, assigned);
    // empty: cpu (4-1)/4 = 75, memory 75 -> 75; busy: cpu (4-3)/4 = 25, memory 25 -> 25
    assert.deepEqual(scores, { empty: 75, busy: 25 });
  });

  it('counts missing requests at 100m / 200Mi', () => {
    const nodes = [makeNode('n', { cpu: '1', memory: '1000Mi' })];
    const assigned = [makePod('a', { nodeName: 'n' })];
    // requested cpu 200m of 1000m -> 80; memory 400Mi of 1000Mi -> 60; mean 70
    assert.deepEqual(runScore(nodeResourcesLeastAllocated, makePod('p'), nodes, assigned), { n: 70 });
  });
});
