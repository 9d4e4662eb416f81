import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatTime } from '../../apimachinery/meta.js';
import { FakeClock } from '../../client/clock.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { JOBS } from '../../client/resources.js';
import { drivenInformer, newJob, START } from './testing.js';
import { TtlAfterFinishedController } from './ttl-after-finished.js';
import type { Job } from './types.js';

async function setup(ttl: number | undefined, finishedAgoMs: number | undefined) {
  const clock = new FakeClock(START);
  const client = new FakeClient({ clock });
  const informer = drivenInformer<Job>(JOBS, clock);
  const controller = new TtlAfterFinishedController({ client, jobInformer: informer, clock });
  const job = await client.create<Job>(JOBS, 'default', newJob('done', { ttlSecondsAfterFinished: ttl }));
  if (finishedAgoMs !== undefined) {
    const at = formatTime(clock.now() - finishedAgoMs);
    await client.updateStatus(JOBS, 'default', {
      ...job,
      status: { startTime: at, completionTime: at, succeeded: 1, conditions: [{ type: 'Complete', status: 'True', lastTransitionTime: at, lastProbeTime: at }] },
    });
  }
  const list = await client.list<Job>(JOBS, undefined);
  informer.replace(list.items, list.metadata.resourceVersion ?? '');
  return { clock, client, controller };
}

describe('ttl-after-finished controller', () => {
  it('deletes a finished Job once its TTL has passed, in the foreground', async () => {
    const { client, controller } = await setup(60, 61_000);
    assert.equal(controller.queue.len(), 1, 'the finished Job was queued');
    await controller.sync('default/done');
    const job = await client.get<Job>(JOBS, 'default', 'done');
    assert.ok(job.metadata?.deletionTimestamp, 'deletion started');
    assert.deepEqual(job.metadata?.finalizers, ['foregroundDeletion']);
  });

  it('requeues a finished Job for when its TTL runs out', async () => {
    const { clock, client, controller } = await setup(60, 20_000);
    const key = await controller.queue.get();
    controller.queue.done(key!);
    await controller.sync('default/done');
    assert.equal((await client.get<Job>(JOBS, 'default', 'done')).metadata?.deletionTimestamp, undefined);
    clock.step(39_999);
    assert.equal(controller.queue.len(), 0);
    clock.step(1);
    assert.equal(controller.queue.len(), 1, 'back in the queue 40 s later');
    await controller.sync('default/done');
    assert.ok((await client.get<Job>(JOBS, 'default', 'done')).metadata?.deletionTimestamp);
  });

  it('leaves unfinished Jobs and Jobs without a TTL alone', async () => {
    for (const [ttl, finished] of [[60, undefined], [undefined, 3_600_000]] as const) {
      const { client, controller } = await setup(ttl, finished);
      await controller.sync('default/done');
      assert.equal((await client.get<Job>(JOBS, 'default', 'done')).metadata?.deletionTimestamp, undefined);
    }
  });
});
