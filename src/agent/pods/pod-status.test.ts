import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { podPhase } from './pod-status.js';

const running: ContainerStatus = { name: 'a', ready: true, restartCount: 0, image: '', imageID: '', state: { running: {} } };
const exited = (exitCode: number): ContainerStatus => ({ name: 'a', ready: false, restartCount: 0, image: '', imageID: '', state: { terminated: { exitCode } } });
const waiting: ContainerStatus = { name: 'a', ready: false, restartCount: 0, image: '', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } };
const crashLoop: ContainerStatus = { ...waiting, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } };
const pod = (restartPolicy: string): Pod => ({ spec: { restartPolicy, containers: [] } });

test("getPhase: the kubelet's table", () => {
  const cases: Array<[string, ContainerStatus[], ContainerStatus[], boolean, string]> = [
    ['Always', [], [waiting], false, 'Pending'],
    ['Always', [], [running], false, 'Running'],
    ['Always', [], [crashLoop], false, 'Running'],
    ['Always', [], [exited(0)], false, 'Running'],
    ['Always', [], [exited(0)], true, 'Succeeded'],
    ['Always', [], [exited(137)], true, 'Failed'],
    ['Always', [], [waiting], true, 'Failed'],
    ['OnFailure', [], [exited(0)], false, 'Succeeded'],
    ['OnFailure', [], [exited(1)], false, 'Running'],
    ['Never', [], [exited(1)], false, 'Failed'],
    ['Never', [], [exited(0), { ...running, name: 'b' }], false, 'Running'],
    ['Never', [exited(1)], [waiting], false, 'Failed'],
    ['Always', [exited(0), { ...running, name: 'i2' }], [{ ...waiting, state: { waiting: { reason: 'PodInitializing' } } }], false, 'Pending'],
    ['Always', [crashLoop], [waiting], false, 'Pending'],
  ];
  for (const [policy, inits, regular, terminal, want] of cases) {
    assert.equal(podPhase(pod(policy), inits, regular, terminal), want, JSON.stringify({ policy, inits, regular, terminal }));
  }
});
