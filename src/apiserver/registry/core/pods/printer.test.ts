import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podCells } from './printer.js';
import { podGracePeriod } from './storage.js';
import type { Pod } from './types.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const pod = (spec: Partial<Required<Pod>['spec']>, status: Pod['status'], meta: Partial<Pod['metadata']> = {}): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', creationTimestamp: ago(600_000), ...meta },
    spec: { containers: [{ name: 'a', image: 'x' }], ...spec },
    status,
  }) as Pod;

test('a pending pod: 0/1 Pending 0, <none> for the wide columns', () => {
  assert.deepEqual(podCells(pod({}, { phase: 'Pending' }), NOW), ['0/1', 'Pending', '0', '10m', '<none>', '<none>', '<none>', '<none>']);
});

test('waiting reasons, running, restarts with "(5m ago)"', () => {
  const creating = pod({ nodeName: 'n1' }, { phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }] });
  assert.deepEqual(podCells(creating, NOW).slice(0, 3), ['0/1', 'ContainerCreating', '0']);

  const crashing = pod(
    { nodeName: 'n1' },
    {
      phase: 'Running',
      podIPs: [{ ip: '10.42.0.7' }],
      containerStatuses: [
        {
          name: 'a', ready: false, restartCount: 5, image: 'x', imageID: '',
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, finishedAt: ago(300_000) } },
        },
      ],
    },
  );
  assert.deepEqual(podCells(crashing, NOW), ['0/1', 'CrashLoopBackOff', '5 (5m ago)', '10m', '10.42.0.7', 'n1', '<none>', '<none>']);

  const running = pod(
    { readinessGates: [{ conditionType: 'example.com/ready' }] },
    {
      phase: 'Running',
      conditions: [{ type: 'example.com/ready', status: 'True' }],
      containerStatuses: [{ name: 'a', ready: true, restartCount: 0, image: 'x', imageID: '', state: { running: { startedAt: ago(1000) } } }],
    },
  );
  assert.deepEqual(podCells(running, NOW).slice(0, 3), ['1/1', 'Running', '0']);
  assert.equal(podCells(running, NOW)[7], '1/1');
});

test('init containers: Init:0/2, Init:CrashLoopBackOff, Init:Error', () => {
  const spec = { initContainers: [{ name: 'i1', image: 'x' }, { name: 'i2', image: 'x' }] };
  const waiting = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'i1', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'PodInitializing' } } }] });
  assert.equal(podCells(waiting, NOW)[1], 'Init:0/2');
  const second = pod(spec, {
    phase: 'Pending',
    initContainerStatuses: [
      { name: 'i1', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 0 } } },
      { name: 'i2', ready: false, restartCount: 3, image: 'x', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff' } } },
    ],
  });
  assert.deepEqual(podCells(second, NOW).slice(1, 3), ['Init:CrashLoopBackOff', '3']);
  const failed = pod(spec, { phase: 'Failed', initContainerStatuses: [{ name: 'i1', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 2 } } }] });
  assert.equal(podCells(failed, NOW)[1], 'Init:ExitCode:2');
});

test('Completed, Error, Terminating and status.reason', () => {
  const done = pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
  assert.equal(podCells(done, NOW)[1], 'Completed');
  const signalled = pod({}, { phase: 'Failed', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, image: 'x', imageID: '', state: { terminated: { exitCode: 137, signal: 9 } } }] });
  assert.equal(podCells(signalled, NOW)[1], 'Signal:9');
  const deleting = pod({ nodeName: 'n1' }, { phase: 'Running' }, { deletionTimestamp: ago(0) });
  assert.equal(podCells(deleting, NOW)[1], 'Terminating');
  const finishedDeleting = pod({}, { phase: 'Succeeded' }, { deletionTimestamp: ago(0) });
  assert.equal(podCells(finishedDeleting, NOW)[1], 'Succeeded');
  const evicted = pod({}, { phase: 'Failed', reason: 'Evicted' });
  assert.equal(podCells(evicted, NOW)[1], 'Evicted');
  const gated = pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
  assert.equal(podCells(gated, NOW)[1], 'SchedulingGated');
});

test('podGracePeriod: bound and running pods wait; unbound or finished pods go at once', () => {
  const bound = pod({ nodeName: 'n1', terminationGracePeriodSeconds: 45 }, { phase: 'Running' });
  assert.equal(podGracePeriod(bound, undefined), 45);
  assert.equal(podGracePeriod(bound, 5), 5);
  assert.equal(podGracePeriod(bound, 0), 0);
  assert.equal(podGracePeriod(bound, -3), 1);
  assert.equal(podGracePeriod(pod({ nodeName: 'n1' }, { phase: 'Running' }), undefined), 30);
  assert.equal(podGracePeriod(pod({}, { phase: 'Pending' }), 30), 0);
  assert.equal(podGracePeriod(pod({ nodeName: 'n1' }, { phase: 'Succeeded' }), 30), 0);
});
