import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, runFilter, runScore } from '../testing.js';
import { taintTolerationFilter, taintTolerationScore } from './taint-toleration.js';

describe('TaintToleration filter', () => {
  const controlPlane = makeNode('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
  const dedicated = makeNode('gpu', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] });

  it('reports the first untolerated NoSchedule/NoExecute taint as {key: value}', () => {
    assert.equal(runFilter(taintTolerationFilter, makePod('p'), controlPlane), 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }');
    assert.equal(runFilter(taintTolerationFilter, makePod('p'), dedicated), 'node(s) had untolerated taint {dedicated: gpu}');
  });

  it('ignores PreferNoSchedule taints', () => {
    const soft = makeNode('n', { taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }] });
    assert.equal(runFilter(taintTolerationFilter, makePod('p'), soft), undefined);
  });

  it('matches Equal (the default) on key and value and Exists on key', () => {
    const equal = makePod('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' }] });
    assert.equal(runFilter(taintTolerationFilter, equal, dedicated), undefined);
    const defaultOp = makePod('p', { tolerations: [{ key: 'dedicated', value: 'gpu' }] });
    assert.equal(runFilter(taintTolerationFilter, defaultOp, dedicated), undefined);
    const wrongValue = makePod('p', { tolerations: [{ key: 'dedicated', value: 'cpu' }] });
    assert.equal(runFilter(taintTolerationFilter, wrongValue, dedicated), 'node(s) had untolerated taint {dedicated: gpu}');
    const exists = makePod('p', { tolerations: [{ key: 'dedicated', operator: 'Exists' }] });
    assert.equal(runFilter(taintTolerationFilter, exists, dedicated), undefined);
    const wrongEffect = makePod('p', { tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.equal(runFilter(taintTolerationFilter, wrongEffect, dedicated), 'node(s) had untolerated taint {dedicated: gpu}');
    const all = makePod('p', { tolerations: [{ operator: 'Exists' }] });
    assert.equal(runFilter(taintTolerationFilter, all, dedicated), undefined);
    assert.equal(runFilter(taintTolerationFilter, all, controlPlane), undefined);
  });

  it('needs every hard taint tolerated', () => {
    const two = makeNode('n', { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'b', value: '1', effect: 'NoSchedule' }] });
    const onlyA = makePod('p', { tolerations: [{ key: 'a', operator: 'Exists' }] });
    assert.equal(runFilter(taintTolerationFilter, onlyA, two), 'node(s) had untolerated taint {b: 1}');
  });
});

describe('TaintToleration score', () => {
  const nodes = [
    makeNode('clean'),
    makeNode('one', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }] }),
    makeNode('two', { taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }] }),
  ];

  it('scores fewer untolerated PreferNoSchedule taints higher', () => {
    assert.deepEqual(runScore(taintTolerationScore, makePod('p'), nodes), { clean: 100, one: 50, two: 0 });
  });

  it('counts only tolerations with no effect or PreferNoSchedule', () => {
    const tolerateA = makePod('p', { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] });
    assert.deepEqual(runScore(taintTolerationScore, tolerateA, nodes), { clean: 100, one: 100, two: 0 });
    const hardOnly = makePod('p', { tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.deepEqual(runScore(taintTolerationScore, hardOnly, nodes), { clean: 100, one: 50, two: 0 });
  });

  it('has weight 3 and skips clusters without soft taints', () => {
    assert.equal(taintTolerationScore.weight, 3);
    assert.equal(runScore(taintTolerationScore, makePod('p'), [makeNode('a'), makeNode('b')]), undefined);
  });
});
