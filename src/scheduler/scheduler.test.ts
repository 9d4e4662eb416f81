import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../client/clock.js';
import { StatusError } from '../apimachinery/errors.js';
import { newPodInfo } from './pod-info.js';
import { Scheduler } from './scheduler.js';
import type { EventType, SchedulerIO } from './scheduler-io.js';
import { makeNode, makePod } from './testing.js';
import type { Node, Pod } from './types.js';

interface RecordedEvent { pod: string; type: EventType; reason: string; message: string }

/** A fake API: binds succeed (unless told otherwise) and are echoed back as informer updates. */
class FakeApi implements SchedulerIO {
  readonly bound = new Map<string, string>();
  readonly events: RecordedEvent[] = [];
  readonly conditions: { pod: string; reason: string; message: string }[] = [];
  failBinds = 0;
  scheduler!: Scheduler;

  async bind(pod: Pod, nodeName: string): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (this.failBinds > 0) {
      this.failBinds--;
      throw new StatusError(500, 'InternalError', 'etcd is sad');
    }
    const key = `${pod.metadata!.namespace}/${pod.metadata!.name}`;
    if (this.bound.has(key)) throw new StatusError(409, 'Conflict', `pod ${key} is already assigned`);
    this.bound.set(key, nodeName);
    // The watch reports the bound pod.
    this.scheduler.onPodUpdate(pod, { ...pod, spec: { ...pod.spec!, nodeName } });
  }
  async setPodScheduledFalse(pod: Pod, reason: string, message: string): Promise<void> {
    this.conditions.push({ pod: pod.metadata!.name!, reason, message });
  }
  event(pod: Pod, type: EventType, reason: string, _action: string, message: string): void {
    this.events.push({ pod: pod.metadata!.name!, type, reason, message });
  }
}

let seed = 1;
const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);

function setup(nodes: Node[]) {
  const clock = new FakeClock();
  const api = new FakeApi();
  const scheduler = new Scheduler({ io: api, clock, random });
  api.scheduler = scheduler;
  for (const n of nodes) scheduler.onNodeAdd(n);
  const ac = new AbortController();
  const running = scheduler.run(ac.signal);
  const stop = async () => {
    ac.abort();
    await running;
  };
  return { clock, api, scheduler, stop };
}

/** Lets the loop drain: yields until nothing is ready or binding. */
async function settle(scheduler: Scheduler): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    await new Promise((r) => setImmediate(r));
    const l = scheduler.queue.lengths;
    if (l.active === 0 && l.inFlight === 0) return;
  }
  throw new Error(`scheduler did not settle: ${JSON.stringify(scheduler.queue.lengths)}`);
}

describe('Scheduler', () => {
  it('schedules 1,000 pods onto 50 nodes without over-committing any', async () => {
    const nodes = Array.from({ length: 50 }, (_, i) => makeNode(`n${i}`, { cpu: '4', memory: '8Gi', pods: '30' }));
    const { api, scheduler, stop } = setup(nodes);
    const pods: Pod[] = [];
    for (let i = 0; i < 1000; i++) {
      const set = i % 40;
      pods.push(makePod(`p${i}`, { cpu: `${100 + (set % 4) * 50}m`, memory: `${128 * (1 + (set % 3))}Mi`, owner: { name: `rs${set}`, uid: `rs${set}` } }));
    }
    for (const p of pods) scheduler.onPodAdd(p);
    await settle(scheduler);
    await stop();

    assert.equal(api.bound.size, 1000);
    assert.equal(scheduler.stats.scheduled, 1000);
    const perNode = new Map<string, { cpu: number; mem: number; pods: number }>();
    for (const p of pods) {
      const node = api.bound.get(`default/${p.metadata!.name}`)!;
      const r = newPodInfo(p).requests;
      const u = perNode.get(node) ?? { cpu: 0, mem: 0, pods: 0 };
      perNode.set(node, { cpu: u.cpu + r.milliCPU, mem: u.mem + r.memory, pods: u.pods + 1 });
    }
    for (const [node, u] of perNode) {
      assert.ok(u.cpu <= 4000 && u.mem <= 8 * 2 ** 30 && u.pods <= 30, `${node} over-committed: ${JSON.stringify(u)}`);
    }
    assert.equal(perNode.size, 50, 'every node got pods');
    const counts = [...perNode.values()].map((u) => u.pods);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 4, `uneven spread: ${counts}`);
    // Every pod is confirmed in the cache (the informer saw it bound), none left assumed.
    assert.equal(scheduler.snapshot.numPods, 1000);
    assert.equal(api.events.filter((e) => e.reason === 'Scheduled').length, 1000);
    assert.equal(api.events.find((e) => e.pod === 'p7')?.message, `Successfully assigned default/p7 to ${api.bound.get('default/p7')}`);
  });

  it('spreads a 3-replica workload over 3 equal nodes', async () => {
    for (let round = 0; round < 10; round++) {
      const { api, scheduler, stop } = setup([makeNode('a'), makeNode('b'), makeNode('c')]);
      for (let i = 0; i < 3; i++) scheduler.onPodAdd(makePod(`web-${i}`, { cpu: '100m', memory: '64Mi', owner: { name: 'web', uid: 'rs-web' } }));
      await settle(scheduler);
      await stop();
      assert.deepEqual([...api.bound.values()].sort(), ['a', 'b', 'c'], `round ${round}`);
    }
  });

  it('reports an unschedulable pod and places it once a matching node appears', async () => {
    const { clock, api, scheduler, stop } = setup([
      makeNode('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
      makeNode('small1', { cpu: '1' }),
      makeNode('small2', { cpu: '1' }),
    ]);
    scheduler.onPodAdd(makePod('big', { cpu: '2' }));
    await settle(scheduler);
    const message = '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.';
    assert.deepEqual(api.events, [{ pod: 'big', type: 'Warning', reason: 'FailedScheduling', message }]);
    assert.deepEqual(api.conditions, [{ pod: 'big', reason: 'Unschedulable', message }]);
    assert.equal(scheduler.queue.lengths.unschedulable, 1);

    clock.step(3000);
    scheduler.onNodeAdd(makeNode('large', { cpu: '8' }));
    await settle(scheduler);
    assert.equal(api.bound.get('default/big'), 'large');
    await stop();
  });

  it('waits out the backoff when the node appears right after the failure', async () => {
    const { clock, api, scheduler, stop } = setup([makeNode('small', { cpu: '1' })]);
    scheduler.onPodAdd(makePod('big', { cpu: '2' }));
    await settle(scheduler);
    scheduler.onNodeAdd(makeNode('large', { cpu: '8' }));
    await settle(scheduler);
    assert.equal(api.bound.size, 0, 'still backing off');
    assert.equal(scheduler.queue.lengths.backoff, 1);
    clock.step(1000);
    await settle(scheduler);
    assert.equal(api.bound.get('default/big'), 'large');
    await stop();
  });

  it('frees an assumed node when the binding fails, and retries after backoff', async () => {
    const { clock, api, scheduler, stop } = setup([makeNode('only', { cpu: '1' })]);
    api.failBinds = 1;
    scheduler.onPodAdd(makePod('p', { cpu: '1' }));
    await settle(scheduler);
    assert.equal(api.bound.size, 0);
    assert.equal(scheduler.snapshot.get('only')!.requestedMilliCPU, 0, 'the assumption was forgotten');
    assert.deepEqual(api.conditions, [{ pod: 'p', reason: 'SchedulerError', message: 'binding rejected: etcd is sad' }]);
    clock.step(1000);
    await settle(scheduler);
    assert.equal(api.bound.get('default/p'), 'only');
    await stop();
  });

  it('makes room when an assigned pod is deleted', async () => {
    const running = makePod('old', { cpu: '1', nodeName: 'only' });
    const { clock, api, scheduler, stop } = setup([makeNode('only', { cpu: '1' })]);
    scheduler.onPodAdd(running);
    scheduler.onPodAdd(makePod('new', { cpu: '1' }));
    await settle(scheduler);
    assert.equal(api.events[0]?.message, '0/1 nodes are available: 1 Insufficient cpu.');
    clock.step(1000);
    scheduler.onPodDelete(running);
    await settle(scheduler);
    assert.equal(api.bound.get('default/new'), 'only');
    await stop();
  });

  it('ignores pods for other schedulers and pods already assigned', async () => {
    const { api, scheduler, stop } = setup([makeNode('n')]);
    scheduler.onPodAdd(makePod('mine-not', { schedulerName: 'other-scheduler' }));
    scheduler.onPodAdd(makePod('placed', { nodeName: 'n', cpu: '1' }));
    await settle(scheduler);
    await stop();
    assert.equal(api.bound.size, 0);
    assert.equal(scheduler.snapshot.get('n')!.requestedMilliCPU, 1000);
  });

  it('leaves gated pods alone until their scheduling gates are removed', async () => {
    const { api, scheduler, stop } = setup([makeNode('n')]);
    const gated = makePod('gated');
    gated.spec!.schedulingGates = [{ name: 'example.com/wait' }];
    scheduler.onPodAdd(gated);
    await settle(scheduler);
    assert.equal(api.bound.size, 0);
    assert.equal(api.events.length, 0);
    const released = makePod('gated');
    scheduler.onPodUpdate(gated, released);
    await settle(scheduler);
    assert.equal(api.bound.get('default/gated'), 'n');
    await stop();
  });
});
