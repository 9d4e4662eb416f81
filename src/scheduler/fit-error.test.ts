import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FitError, NO_NODES_AVAILABLE, fitErrorMessage } from './fit-error.js';

describe('fitErrorMessage', () => {
  it('counts each reason over nodes and sorts the "<count> <reason>" strings', () => {
    const failures = new Map<string, string | string[]>([
      ['cp', 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
      ['w1', ['Insufficient cpu']],
      ['w2', 'Insufficient cpu'],
    ]);
    assert.equal(
      new FitError(3, failures).message,
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.',
    );
  });

  it('counts every reason a node reports', () => {
    const msg = fitErrorMessage(2, [['Insufficient cpu', 'Insufficient memory'], ['Insufficient memory']]);
    assert.equal(msg, '0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.');
  });

  it('sorts as strings, as Go does ("10 ..." before "2 ...")', () => {
    const failures: string[] = [];
    for (let i = 0; i < 10; i++) failures.push("node(s) didn't match Pod's node affinity/selector");
    failures.push('Too many pods', 'Too many pods');
    assert.equal(fitErrorMessage(12, failures), "0/12 nodes are available: 10 node(s) didn't match Pod's node affinity/selector, 2 Too many pods.");
  });

  it('appends a post-filter message and handles an empty cluster', () => {
    assert.equal(
      fitErrorMessage(1, ['node(s) were unschedulable'], 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling'),
      '0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
    assert.equal(fitErrorMessage(0, []), NO_NODES_AVAILABLE);
  });
});
