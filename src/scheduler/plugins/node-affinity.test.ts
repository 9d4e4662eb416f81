import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeSelectorRequirement } from '../types.js';
import { makeNode, makePod, runFilter, runScore } from '../testing.js';
import { ERR_REASON_NODE_AFFINITY, nodeAffinityFilter, nodeAffinityScore } from './node-affinity.js';

const required = (...terms: { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }[]) =>
  makePod('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });

const node = makeNode('n1', { labels: { disk: 'ssd', zone: 'a', cores: '16' } });
const fits = (pod: ReturnType<typeof makePod>): boolean => runFilter(nodeAffinityFilter, pod, node) === undefined;

describe('NodeAffinity filter', () => {
  it('checks spec.nodeSelector', () => {
    assert.equal(ERR_REASON_NODE_AFFINITY, "node(s) didn't match Pod's node affinity/selector");
    assert.equal(fits(makePod('p', { nodeSelector: { disk: 'ssd' } })), true);
    assert.equal(runFilter(nodeAffinityFilter, makePod('p', { nodeSelector: { disk: 'hdd' } }), node), ERR_REASON_NODE_AFFINITY);
    assert.equal(fits(makePod('p', { nodeSelector: { gpu: 'true' } })), false);
  });

  it('supports In, NotIn, Exists, DoesNotExist, Gt and Lt', () => {
    assert.equal(fits(required({ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd', 'nvme'] }] })), true);
    assert.equal(fits(required({ matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] })), false);
    assert.equal(fits(required({ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['hdd'] }] })), true);
    assert.equal(fits(required({ matchExpressions: [{ key: 'gpu', operator: 'NotIn', values: ['x'] }] })), true, 'NotIn matches a missing label');
    assert.equal(fits(required({ matchExpressions: [{ key: 'zone', operator: 'Exists' }] })), true);
    assert.equal(fits(required({ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] })), false);
    assert.equal(fits(required({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] })), true);
    assert.equal(fits(required({ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['16'] }] })), false);
    assert.equal(fits(required({ matchExpressions: [{ key: 'cores', operator: 'Lt', values: ['32'] }] })), true);
    assert.equal(fits(required({ matchExpressions: [{ key: 'zone', operator: 'Lt', values: ['32'] }] })), false, 'a non-integer label never compares');
  });

  it('ANDs requirements in a term and ORs terms', () => {
    const both = { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }, { key: 'zone', operator: 'In', values: ['b'] }] };
    assert.equal(fits(required(both)), false);
    assert.equal(fits(required(both, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] })), true);
  });

  it('matches metadata.name with matchFields', () => {
    assert.equal(fits(required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] })), true);
    assert.equal(fits(required({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] })), false);
    assert.equal(fits(required({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n2'] }] })), true);
    assert.equal(fits(required({ matchFields: [{ key: 'metadata.labels', operator: 'In', values: ['n1'] }] })), false);
  });

  it('treats empty and invalid terms as matching nothing', () => {
    assert.equal(fits(required({})), false);
    assert.equal(fits(required()), false);
    assert.equal(fits(required({ matchExpressions: [{ key: 'disk', operator: 'In', values: [] }] })), false);
    assert.equal(fits(required({ matchExpressions: [{ key: 'disk', operator: 'Bogus', values: ['ssd'] }] })), false);
  });

  it('needs both the selector and the affinity', () => {
    const pod = required({ matchExpressions: [{ key: 'disk', operator: 'Exists' }] });
    pod.spec!.nodeSelector = { zone: 'b' };
    assert.equal(fits(pod), false);
  });
});

describe('NodeAffinity score', () => {
  const nodes = [makeNode('a', { labels: { disk: 'ssd', gpu: 'yes' } }), makeNode('b', { labels: { disk: 'ssd' } }), makeNode('c')];
  const preferring = makePod('p', {
    affinity: {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 30, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
          { weight: 10, preference: { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] } },
          { weight: 50, preference: {} },
        ],
      },
    },
  });

  it('sums matching weights and scales the best to 100', () => {
    assert.deepEqual(runScore(nodeAffinityScore, preferring, nodes), { a: 100, b: 75, c: 0 });
    assert.equal(nodeAffinityScore.weight, 2);
  });

  it('skips pods without preferences', () => {
    assert.equal(runScore(nodeAffinityScore, makePod('p'), nodes), undefined);
  });
});
