import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { completedStatus, reportsRunning, restartedStatus, runningStatus, simExit } from './pod-status.js';

const pod = (over: { restartPolicy?: string; command?: string[]; args?: string[]; annotations?: Record<string, string> } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', uid: 'u1', annotations: over.annotations },
  spec: {
    nodeName: 'sim-0',
    restartPolicy: over.restartPolicy,
    initContainers: [{ name: 'init', image: 'busybox' }],
    containers: [{ name: 'c', image: 'nginx:1.25', command: over.command, args: over.args }],
  },
  status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] },
});

const at = Date.UTC(2024, 0, 1, 1);

test('exit convention: only Never/OnFailure pods end, by annotation or by sh -c "exit N", true, false', () => {
  assert.equal(simExit(pod({ command: ['sh', '-c', 'exit 0'] })), undefined, 'restartPolicy Always never ends');
  assert.deepEqual(simExit(pod({ restartPolicy: 'Never', command: ['sh', '-c', 'exit 0'] })), { code: 0, afterMs: 1000 });
  assert.deepEqual(simExit(pod({ restartPolicy: 'Never', command: ['/bin/sh'], args: ['-c', 'echo hi; exit 3'] })), { code: 3, afterMs: 1000 });
  assert.deepEqual(simExit(pod({ restartPolicy: 'OnFailure', command: ['false'] })), { code: 1, afterMs: 1000 });
  assert.deepEqual(simExit(pod({ restartPolicy: 'Never', command: ['/bin/true'] })), { code: 0, afterMs: 1000 });
  assert.deepEqual(simExit(pod({ restartPolicy: 'Never', annotations: { 'kite.dev/sim-exit-code': '2', 'kite.dev/sim-duration': '250ms' } })), { code: 2, afterMs: 250 });
  assert.equal(simExit(pod({ restartPolicy: 'Never', command: ['sleep', '10'] })), undefined);
});

test('running status: phase, IPs, all conditions true, containers running with sim ids; other conditions kept', () => {
  const p = pod();
  p.status!.conditions!.push({ type: 'DisruptionTarget', status: 'False' });
  const s = runningStatus(p, { hostIP: '10.244.0.1', podIP: '10.42.0.5', nowMs: at });
  assert.equal(s.phase, 'Running');
  assert.equal(s.podIP, '10.42.0.5');
  assert.deepEqual(s.podIPs, [{ ip: '10.42.0.5' }]);
  assert.deepEqual(s.hostIPs, [{ ip: '10.244.0.1' }]);
  assert.equal(s.startTime, '2024-01-01T01:00:00Z');
  const byType = Object.fromEntries(s.conditions!.map((c) => [c.type, c]));
  for (const t of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready', 'PodReadyToStartContainers']) assert.equal(byType[t]?.status, 'True', t);
  assert.equal(byType.PodScheduled!.lastTransitionTime, '2024-01-01T00:00:00Z', 'unchanged condition keeps its time');
  assert.equal(byType.DisruptionTarget?.status, 'False', "another writer's condition is kept");
  const c = s.containerStatuses![0]!;
  assert.equal(c.ready, true);
  assert.equal(c.started, true);
  assert.equal(c.state?.running?.startedAt, '2024-01-01T01:00:00Z');
  assert.match(c.containerID!, /^sim:\/\/[0-9a-f]{64}$/);
  assert.match(c.imageID, /^sim:\/\/sha256:[0-9a-f]{64}$/);
  assert.equal(s.initContainerStatuses![0]!.state?.terminated?.reason, 'Completed');
  assert.ok(reportsRunning({ ...p, status: s }));
  assert.equal(reportsRunning(p), false);
});

test('hostNetwork pods get the node IP', () => {
  const p = pod();
  p.spec!.hostNetwork = true;
  assert.equal(runningStatus(p, { hostIP: '10.244.0.1', podIP: '10.42.0.5', nowMs: at }).podIP, '10.244.0.1');
});

test('completion: Succeeded with Completed containers, Failed with Error; restarts count up', () => {
  const running = { ...pod(), status: runningStatus(pod(), { hostIP: '10.244.0.1', podIP: '10.42.0.5', nowMs: at }) };
  const ok = completedStatus(running, 0, at + 5000);
  assert.equal(ok.phase, 'Succeeded');
  assert.equal(ok.containerStatuses![0]!.state?.terminated?.reason, 'Completed');
  assert.equal(ok.containerStatuses![0]!.state?.terminated?.startedAt, '2024-01-01T01:00:00Z');
  assert.equal(ok.conditions!.find((c) => c.type === 'Ready')?.reason, 'PodCompleted');
  const bad = completedStatus(running, 2, at + 5000);
  assert.equal(bad.phase, 'Failed');
  assert.equal(bad.containerStatuses![0]!.state?.terminated?.exitCode, 2);
  assert.equal(bad.containerStatuses![0]!.state?.terminated?.reason, 'Error');
  const again = restartedStatus(running, 1, { hostIP: '10.244.0.1', podIP: '10.42.0.5', nowMs: at + 5000 });
  assert.equal(again.phase, 'Running');
  assert.equal(again.containerStatuses![0]!.restartCount, 1);
  assert.equal(again.containerStatuses![0]!.lastState?.terminated?.exitCode, 1);
  assert.notEqual(again.containerStatuses![0]!.containerID, running.status.containerStatuses![0]!.containerID);
});
