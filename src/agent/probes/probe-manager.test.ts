import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../client/clock.js';
import type { ObjectReference } from '../../client/event-recorder.js';
import type { PodProber } from '../pods/seams.js';
import { RuntimeError, type ContainerRuntime } from '../runtime/runtime.js';
import { ProbeManager } from './probe-manager.js';

/** Lets the probes' promise chains run after the clock moved. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

interface Harness {
  clock: FakeClock;
  prober: ProbeManager;
  events: { ref: ObjectReference; reason: string; message: string }[];
  changes: string[];
  /** Exit code per command name ("ready", "live", "start"); a function of call count. */
  exits: Record<string, number>;
  execs: string[];
  step(seconds: number): Promise<void>;
}

function harness(): Harness {
  const clock = new FakeClock(Date.UTC(2025, 0, 1));
  const exits: Record<string, number> = { ready: 0, live: 0, start: 0 };
  const execs: string[] = [];
  const runtime = {
    execSync: async (_id: string, cmd: string[]) => {
      const name = cmd[0] ?? '';
      execs.push(name);
      if (exits[name] === -1) throw new RuntimeError('Unavailable', 'connection closed', 'ExecSync');
      return { stdout: Buffer.from(`${name} says ${exits[name]}`), stderr: Buffer.alloc(0), exitCode: exits[name] ?? 0 };
    },
  } as unknown as ContainerRuntime;
  const events: Harness['events'] = [];
  const changes: string[] = [];
  const prober = new ProbeManager({ runtime, clock, record: (ref, _type, reason, message) => events.push({ ref, reason, message }) });
  prober.onChange((uid) => changes.push(uid));
  return {
    clock, prober, events, changes, exits, execs,
    step: async (seconds) => {
      for (let i = 0; i < seconds; i++) {
        clock.step(1000);
        await settle();
      }
    },
  };
}

const pod = (container: Partial<Container>, extra: Partial<Pod['metadata']> = {}): Pod => ({
  metadata: { name: 'web', namespace: 'default', uid: 'pod-1', ...extra },
  spec: { containers: [{ name: 'app', image: 'busybox', ...container }] },
});

describe('ProbeManager', () => {
  test('is a PodProber; containers without probes (and unknown ids) are ready and started', () => {
    const h = harness();
    const asSeam: PodProber = h.prober;
    asSeam.updatePod(pod({}), '10.42.0.5', [{ id: 'c1', name: 'app', startedAt: h.clock.now() }]);
    assert.deepEqual([h.prober.ready('c1'), h.prober.started('c1'), h.prober.livenessFailed('c1'), h.prober.startupFailed('c1')], [true, true, false, false]);
    assert.deepEqual([h.prober.ready('nope'), h.prober.started('nope')], [true, true]);
    h.prober.stop();
  });

  test('readiness: not ready until it passes (after initialDelaySeconds); thresholds; Unhealthy events', async () => {
    const h = harness();
    const p = pod({ readinessProbe: { exec: { command: ['ready'] }, initialDelaySeconds: 5, periodSeconds: 10, successThreshold: 2, failureThreshold: 3 } });
    h.prober.updatePod(p, '10.42.0.5', [{ id: 'c1', name: 'app', startedAt: h.clock.now() }]);
    assert.equal(h.prober.ready('c1'), false, 'not ready before the first probe');
    await h.step(4);
    assert.deepEqual(h.execs, []);
    await h.step(1);
    assert.deepEqual(h.execs, ['ready'], 'first probe at initialDelaySeconds');
    assert.equal(h.prober.ready('c1'), false, 'one success of successThreshold 2');
    await h.step(10);
    assert.equal(h.prober.ready('c1'), true);
    assert.deepEqual(h.changes, ['pod-1']);

    h.exits.ready = 1;
    await h.step(20);
    assert.equal(h.prober.ready('c1'), true, 'two failures of failureThreshold 3');
    await h.step(10);
    assert.equal(h.prober.ready('c1'), false);
    assert.deepEqual(h.changes, ['pod-1', 'pod-1']);
    assert.deepEqual(h.events.map((e) => e.message), ['Readiness probe failed: ready says 1', 'Readiness probe failed: ready says 1', 'Readiness probe failed: ready says 1']);
    assert.deepEqual(h.events[0]?.ref, { kind: 'Pod', apiVersion: 'v1', namespace: 'default', name: 'web', uid: 'pod-1', resourceVersion: undefined, fieldPath: 'spec.containers{app}' });
    assert.ok(h.events.every((e) => e.reason === 'Unhealthy'));
    await h.step(10);
    assert.equal(h.execs.length, 6, 'readiness keeps probing after failures');
    h.prober.stop();
  });

  test('liveness: fails after failureThreshold, then stops probing that instance', async () => {
    const h = harness();
    h.exits.live = 1;
    h.prober.updatePod(pod({ livenessProbe: { exec: { command: ['live'] }, periodSeconds: 2, failureThreshold: 2 } }), '10.42.0.5', [{ id: 'c1', name: 'app', startedAt: h.clock.now() }]);
    assert.equal(h.prober.livenessFailed('c1'), false, 'alive until proven otherwise');
    await h.step(1);
    assert.equal(h.prober.livenessFailed('c1'), false);
    await h.step(2);
    assert.equal(h.prober.livenessFailed('c1'), true);
    assert.deepEqual(h.changes, ['pod-1']);
    await h.step(10);
    assert.equal(h.execs.length, 2, 'no probes after the failure (the container is restarted)');

    h.exits.live = 0;
    h.prober.updatePod(pod({ livenessProbe: { exec: { command: ['live'] }, periodSeconds: 2, failureThreshold: 2 } }), '10.42.0.5', [{ id: 'c2', name: 'app', startedAt: h.clock.now() }]);
    await h.step(1);
    assert.deepEqual([h.prober.livenessFailed('c2'), h.prober.livenessFailed('c1')], [false, false], 'the new instance starts fresh, the old one is forgotten');
    h.prober.stop();
  });

  test('startup gates readiness and liveness; readiness runs as soon as startup passes; startup failure', async () => {
    const h = harness();
    h.exits.start = 1;
    const spec = { startupProbe: { exec: { command: ['start'] }, periodSeconds: 5, failureThreshold: 3 }, readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 30 }, livenessProbe: { exec: { command: ['live'] }, periodSeconds: 30 } };
    h.prober.updatePod(pod(spec), '10.42.0.5', [{ id: 'c1', name: 'app', startedAt: h.clock.now() }]);
    await h.step(6);
    assert.deepEqual(h.execs, ['start', 'start'], 'only the startup probe runs before the container started');
    assert.deepEqual([h.prober.started('c1'), h.prober.ready('c1')], [false, false]);
    h.exits.start = 0;
    await h.step(6); // the next startup probe passes; the others follow at the next tick of the fake clock
    assert.equal(h.prober.started('c1'), true);
    assert.deepEqual(h.execs.slice(2).sort(), ['live', 'ready', 'start'], 'readiness and liveness probed right after startup passed');
    assert.equal(h.prober.ready('c1'), true);
    await h.step(20);
    assert.equal(h.execs.filter((e) => e === 'start').length, 3, 'the startup probe stops once started');

    const g = harness();
    g.exits.start = 1;
    g.prober.updatePod(pod(spec), '', [{ id: 'c9', name: 'app', startedAt: g.clock.now() }]);
    await g.step(11);
    assert.equal(g.prober.startupFailed('c9'), true);
    assert.equal(g.events.at(-1)?.message, 'Startup probe failed: start says 1');
    h.prober.stop();
    g.prober.stop();
  });

  test('errors are retried, reported and not counted; instances that stop running lose their workers', async () => {
    const h = harness();
    h.exits.live = -1;
    h.prober.updatePod(pod({ livenessProbe: { exec: { command: ['live'] }, periodSeconds: 1, failureThreshold: 1 } }), '', [{ id: 'c1', name: 'app', startedAt: h.clock.now() }]);
    await h.step(1);
    assert.equal(h.execs.length, 3, 'retried three times');
    assert.equal(h.prober.livenessFailed('c1'), false);
    assert.equal(h.events[0]?.message, 'Liveness probe errored and resulted in unknown state: ExecSync: connection closed');
    h.prober.updatePod(pod({ livenessProbe: { exec: { command: ['live'] } } }), '', []);
    const before = h.execs.length;
    await h.step(5);
    assert.equal(h.execs.length, before, 'no workers for a container that is gone');
    h.prober.stop();
  });

  test('a pod being deleted: liveness stops and reports success', async () => {
    const h = harness();
    h.exits.live = 1;
    const spec = { livenessProbe: { exec: { command: ['live'] }, periodSeconds: 1, failureThreshold: 1 } };
    h.prober.updatePod(pod(spec, { deletionTimestamp: '2025-01-01T00:00:00Z' }), '', [{ id: 'c1', name: 'app', startedAt: h.clock.now() }]);
    await h.step(3);
    assert.deepEqual([h.execs.length, h.prober.livenessFailed('c1')], [0, false]);
    h.prober.removePod('pod-1');
    h.prober.stop();
  });
});
