import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type NodeState, computeStatus, planManage, planRollingUpdate, resolveMaxUnavailable } from './rollout.js';
import type { DaemonSet, Pod } from './types.js';

const RUN = { shouldRun: true, shouldContinueRunning: true };
const pod = (name: string, hash: string, opts: { ready?: boolean; phase?: string; deleting?: boolean; created?: string } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    labels: { 'controller-revision-hash': hash },
    creationTimestamp: opts.created ?? '2024-01-01T00:00:00Z',
    ...(opts.deleting ? { deletionTimestamp: '2024-01-01T00:01:00Z' } : {}),
  },
  spec: { containers: [] },
  status: { phase: opts.phase ?? 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] },
});
const ds = (maxUnavailable: number | string, minReadySeconds = 0): DaemonSet => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'd', generation: 4 },
  spec: { selector: {}, minReadySeconds, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable } }, template: {} },
});

test('manage: create where missing, delete where unwanted, failed and duplicate pods; wait for terminating ones', () => {
  const nodes: NodeState[] = [
    { name: 'empty', placement: RUN, pods: [] },
    { name: 'unwanted', placement: { shouldRun: false, shouldContinueRunning: false }, pods: [pod('u', 'h')] },
    { name: 'tainted-noschedule', placement: { shouldRun: false, shouldContinueRunning: true }, pods: [pod('keep', 'h')] },
    { name: 'failed', placement: RUN, pods: [pod('f', 'h', { phase: 'Failed' })] },
    { name: 'twice', placement: RUN, pods: [pod('old', 'h', { created: '2024-01-01T00:00:00Z' }), pod('new', 'h', { created: '2024-01-01T00:00:05Z' })] },
    { name: 'terminating', placement: RUN, pods: [pod('t', 'h', { deleting: true })] },
  ];
  const plan = planManage(nodes);
  assert.deepEqual(plan.create, ['empty']);
  assert.deepEqual(plan.delete.map((p) => p.metadata?.name), ['u', 'f', 'new']);
});

test('rolling update: unavailable old pods go at once, available ones within maxUnavailable', () => {
  const now = Date.UTC(2024, 0, 2);
  const nodes: NodeState[] = [
    { name: 'a', placement: RUN, pods: [pod('a-old', 'old')] },
    { name: 'b', placement: RUN, pods: [pod('b-old', 'old')] },
    { name: 'c', placement: RUN, pods: [pod('c-old', 'old', { ready: false })] },
    { name: 'd', placement: RUN, pods: [pod('d-new', 'new')] },
  ];
  assert.deepEqual(planRollingUpdate(ds(1), nodes, 'new', now).map((p) => p.metadata?.name), ['c-old', 'a-old']);
  assert.deepEqual(planRollingUpdate(ds('50%'), nodes, 'new', now).map((p) => p.metadata?.name), ['c-old', 'a-old', 'b-old']);
  const oneDown: NodeState[] = [...nodes.slice(0, 2), { name: 'd', placement: RUN, pods: [pod('d-new', 'new', { ready: false })] }];
  assert.deepEqual(planRollingUpdate(ds(1), oneDown, 'new', now), [], 'a new pod not yet available uses up the budget');
  assert.equal(resolveMaxUnavailable('10%', 5), 1);
  assert.equal(resolveMaxUnavailable('25%', 10), 3);
  assert.equal(resolveMaxUnavailable(0, 10), 1);
});

test('status counts desired, current, ready, available (minReadySeconds), updated, misscheduled', () => {
  const now = Date.parse('2024-01-01T00:00:20Z');
  const nodes: NodeState[] = [
    { name: 'a', placement: RUN, pods: [pod('a', 'new')] },
    { name: 'b', placement: RUN, pods: [pod('b', 'old', { ready: false })] },
    { name: 'c', placement: RUN, pods: [] },
    { name: 'x', placement: { shouldRun: false, shouldContinueRunning: true }, pods: [pod('x', 'new')] },
  ];
  assert.deepEqual(computeStatus(ds(1), nodes, 'new', now), {
    currentNumberScheduled: 2,
    desiredNumberScheduled: 3,
    numberMisscheduled: 1,
    numberReady: 1,
    numberAvailable: 1,
    updatedNumberScheduled: 1,
    observedGeneration: 4,
    numberUnavailable: 2,
  });
  assert.equal(computeStatus(ds(1, 60), nodes, 'new', now).numberAvailable, 0, 'ready for 20 s is not available with minReadySeconds 60');
});
