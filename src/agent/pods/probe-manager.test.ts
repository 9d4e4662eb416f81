import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../client/clock.js';
import { FakeRuntime } from '../runtime/fake-runtime.js';
import type { ProbeOutcome } from '../probes/types.js';
import { ProbeManager } from './probe-manager.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function setup(container: Container, script: Record<string, boolean[]>) {
  const clock = new FakeClock(1_000_000);
  const calls: Array<{ type: string; at: number }> = [];
  const events: string[] = [];
  const changes: string[] = [];
  const manager = new ProbeManager({
    runtime: new FakeRuntime(),
    clock,
    record: (_ref, type, reason, message) => events.push(`${type} ${reason} ${message}`),
    runProbe: async (probe: Probe): Promise<ProbeOutcome> => {
      const type = probe === container.readinessProbe ? 'readiness' : probe === container.livenessProbe ? 'liveness' : 'startup';
      calls.push({ type, at: clock.now() - 1_000_000 });
      const ok = script[type]?.shift() ?? true;
      return ok ? { result: 'success', output: '' } : { result: 'failure', output: `${type} says no\n` };
    },
  });
  manager.onChange((uid) => changes.push(uid));
  const pod: Pod = { metadata: { uid: 'u1', name: 'p', namespace: 'default' }, spec: { containers: [container] } };
  const start = (id = 'c1') => manager.updatePod(pod, '10.42.0.5', [{ id, name: container.name, startedAt: clock.now() }]);
  const step = async (ms: number) => {
    clock.step(ms);
    await flush();
  };
  return { clock, calls, events, changes, manager, pod, start, step };
}

describe('probe manager', () => {
  test('readiness starts false, turns true on success, false after failureThreshold failures; each failure is an Unhealthy event', async () => {
    const container = { name: 'app', readinessProbe: { periodSeconds: 2, failureThreshold: 2, exec: { command: ['true'] } } };
    const t = setup(container, { readiness: [true, false, false, false] });
    t.start();
    assert.equal(t.manager.ready('c1'), false, 'not ready before the first probe');
    await t.step(0);
    assert.equal(t.manager.ready('c1'), true);
    assert.deepEqual(t.changes, ['u1']);
    await t.step(2000);
    assert.equal(t.manager.ready('c1'), true, 'one failure is below the threshold');
    await t.step(2000);
    assert.equal(t.manager.ready('c1'), false);
    assert.deepEqual(t.calls.map((c) => c.at), [0, 2000, 4000]);
    assert.deepEqual(t.events, ['Warning Unhealthy Readiness probe failed: readiness says no', 'Warning Unhealthy Readiness probe failed: readiness says no']);
    assert.equal(t.manager.livenessFailed('c1'), false);
    assert.equal(t.manager.started('c1'), true, 'no startup probe: started');
  });

  test('initialDelaySeconds counts from the container start', async () => {
    const container = { name: 'app', readinessProbe: { periodSeconds: 2, initialDelaySeconds: 5, exec: { command: ['true'] } } };
    const t = setup(container, {});
    t.start();
    for (let i = 0; i < 4; i++) await t.step(i === 0 ? 0 : 2000);
    assert.deepEqual(t.calls.map((c) => c.at), [6000]);
    assert.equal(t.manager.ready('c1'), true);
  });

  test('liveness fails after failureThreshold and then holds until the container is replaced', async () => {
    const container = { name: 'app', livenessProbe: { periodSeconds: 1, failureThreshold: 2, exec: { command: ['true'] } } };
    const t = setup(container, { liveness: [false, false, false, false, true] });
    t.start();
    await t.step(0);
    assert.equal(t.manager.livenessFailed('c1'), false);
    await t.step(1000);
    assert.equal(t.manager.livenessFailed('c1'), true);
    assert.deepEqual(t.changes, ['u1']);
    await t.step(5000);
    assert.equal(t.calls.length, 2, 'on hold');
    t.start('c2');
    await t.step(0);
    assert.equal(t.manager.livenessFailed('c2'), false, 'a new container starts over');
    assert.equal(t.calls.length, 3);
  });

  test('liveness and readiness wait for the startup probe', async () => {
    const container = {
      name: 'app',
      startupProbe: { periodSeconds: 1, failureThreshold: 10, exec: { command: ['true'] } },
      livenessProbe: { periodSeconds: 1, exec: { command: ['true'] } },
      readinessProbe: { periodSeconds: 1, exec: { command: ['true'] } },
    };
    const t = setup(container, { startup: [false, false, true] });
    t.start();
    await t.step(0);
    await t.step(1000);
    assert.equal(t.manager.started('c1'), false);
    assert.deepEqual([...new Set(t.calls.map((c) => c.type))], ['startup']);
    await t.step(1000);
    assert.equal(t.manager.started('c1'), true);
    await t.step(1000);
    assert.ok(t.calls.some((c) => c.type === 'liveness'));
    assert.ok(t.calls.some((c) => c.type === 'readiness'));
    assert.equal(t.calls.filter((c) => c.type === 'startup').length, 3, 'no startup probes after success');
    assert.equal(t.manager.ready('c1'), true);
  });

  test('removePod stops the workers and forgets the results', async () => {
    const container = { name: 'app', readinessProbe: { periodSeconds: 1, exec: { command: ['true'] } } };
    const t = setup(container, {});
    t.start();
    await t.step(0);
    t.manager.removePod('u1');
    await t.step(5000);
    assert.equal(t.calls.length, 1);
    assert.equal(t.manager.ready('c1'), true, 'unknown containers count as having no probes');
    assert.equal(t.clock.pendingTimers(), 0);
  });
});
