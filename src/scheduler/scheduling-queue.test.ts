import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../client/clock.js';
import { SchedulingQueue } from './scheduling-queue.js';
import { makePod } from './testing.js';

const setup = () => {
  const clock = new FakeClock();
  const queue = new SchedulingQueue({ clock });
  queue.run();
  return { clock, queue };
};
const names = (queue: SchedulingQueue): string[] => {
  const out: string[] = [];
  for (let q = queue.tryPop(); q; q = queue.tryPop()) out.push(q.podInfo.name);
  return out;
};

describe('SchedulingQueue', () => {
  it('pops by priority, then first in', () => {
    const { clock, queue } = setup();
    queue.add(makePod('low1'));
    clock.step(1);
    queue.add(makePod('high', { priority: 1000 }));
    clock.step(1);
    queue.add(makePod('low2'));
    assert.deepEqual(names(queue), ['high', 'low1', 'low2']);
    queue.close();
  });

  it('backs off 1 s, 2 s, 4 s, 8 s, then 10 s per attempt', () => {
    const { queue } = setup();
    queue.add(makePod('p'));
    const q = queue.tryPop()!;
    const durations: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      q.attempts = attempt;
      durations.push(queue.backoffDuration(q));
    }
    assert.deepEqual(durations, [1000, 2000, 4000, 8000, 10000, 10000]);
    queue.close();
  });

  it('retries a pod after an error only once its backoff has passed', () => {
    const { clock, queue } = setup();
    queue.add(makePod('p'));
    let q = queue.tryPop()!;
    queue.requeueFailed(q, 'error');
    assert.deepEqual(queue.lengths, { active: 0, backoff: 1, unschedulable: 0, inFlight: 0 });
    clock.step(999);
    assert.equal(queue.tryPop(), undefined);
    clock.step(1);
    q = queue.tryPop()!;
    assert.equal(q.attempts, 2);
    queue.requeueFailed(q, 'error');
    clock.step(1000);
    assert.equal(queue.tryPop(), undefined, 'second backoff is 2 s');
    clock.step(1000);
    assert.equal(queue.tryPop()?.podInfo.name, 'p');
    queue.close();
  });

  it('parks unschedulable pods until a cluster event, respecting backoff', () => {
    const { clock, queue } = setup();
    queue.add(makePod('a'));
    queue.add(makePod('b'));
    const a = queue.tryPop()!;
    const b = queue.tryPop()!;
    queue.requeueFailed(a, 'unschedulable');
    clock.step(5000);
    queue.requeueFailed(b, 'unschedulable');
    clock.step(500);
    assert.equal(queue.lengths.unschedulable, 2);
    assert.equal(queue.tryPop(), undefined);
    queue.moveAllToActiveOrBackoff();
    // a failed 5.5 s ago (backoff over): active; b failed 0.5 s ago: still backing off.
    assert.deepEqual(queue.lengths, { active: 1, backoff: 1, unschedulable: 0, inFlight: 0 });
    assert.equal(queue.tryPop()?.podInfo.name, 'a');
    clock.step(500);
    assert.equal(queue.tryPop()?.podInfo.name, 'b');
    queue.close();
  });

  it('sends a pod that saw an event during its cycle to backoff, not unschedulable', () => {
    const { clock, queue } = setup();
    queue.add(makePod('p'));
    const q = queue.tryPop()!;
    queue.moveAllToActiveOrBackoff(); // e.g. a node was added while p was being scheduled
    queue.requeueFailed(q, 'unschedulable');
    assert.equal(queue.lengths.backoff, 1);
    clock.step(1000);
    assert.equal(queue.tryPop()?.podInfo.name, 'p');
    queue.close();
  });

  it('moves pods unschedulable for more than 5 minutes, checked every 30 s', () => {
    const { clock, queue } = setup();
    queue.add(makePod('p'));
    queue.requeueFailed(queue.tryPop()!, 'unschedulable');
    clock.step(5 * 60_000);
    assert.equal(queue.lengths.unschedulable, 1, 'exactly 5 minutes is not more than 5 minutes');
    clock.step(30_000);
    assert.equal(queue.lengths.unschedulable, 0);
    assert.equal(queue.tryPop()?.podInfo.name, 'p');
    queue.close();
  });

  it('requeues a parked pod when its spec changes but not on a status update', () => {
    const { clock, queue } = setup();
    const pod = makePod('p', { cpu: '8' });
    queue.add(pod);
    queue.requeueFailed(queue.tryPop()!, 'unschedulable');
    const withCondition = { ...pod, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] } };
    queue.update(pod, withCondition);
    assert.equal(queue.lengths.unschedulable, 1);
    const smaller = makePod('p', { cpu: '1' });
    queue.update(withCondition, smaller);
    assert.equal(queue.lengths.unschedulable, 0);
    clock.step(1000);
    const q = queue.tryPop()!;
    assert.equal(q.podInfo.requests.milliCPU, 1000);
    queue.close();
  });

  it('forgets deleted pods, also while in flight', () => {
    const { queue } = setup();
    queue.add(makePod('a'));
    queue.add(makePod('b'));
    queue.delete('uid-default-a');
    const b = queue.tryPop()!;
    assert.equal(b.podInfo.name, 'b');
    queue.delete(b.podInfo.uid);
    queue.requeueFailed(b, 'error');
    assert.deepEqual(queue.lengths, { active: 0, backoff: 0, unschedulable: 0, inFlight: 0 });
    queue.close();
  });

  it('wakes a waiting pop and ends it on close', async () => {
    const { queue } = setup();
    const waiting = queue.pop();
    queue.add(makePod('p'));
    assert.equal((await waiting)?.podInfo.name, 'p');
    const ended = queue.pop();
    queue.close();
    assert.equal(await ended, undefined);
  });

  it('ends a waiting pop on abort', async () => {
    const { queue } = setup();
    const ac = new AbortController();
    const waiting = queue.pop(ac.signal);
    ac.abort();
    assert.equal(await waiting, undefined);
    queue.close();
  });

  it('retries a pod updated during its cycle with the updated spec', () => {
    const { clock, queue } = setup();
    const pod = makePod('p', { cpu: '8' });
    queue.add(pod);
    const q = queue.tryPop()!;
    queue.update(pod, makePod('p', { cpu: '1' })); // e.g. while its binding was in flight
    queue.requeueFailed(q, 'error');
    clock.step(1000);
    assert.equal(queue.tryPop()?.podInfo.requests.milliCPU, 1000);
    queue.close();
  });
});
