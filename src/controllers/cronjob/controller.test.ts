import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatTime } from '../../apimachinery/meta.js';
import { FakeClock } from '../../client/clock.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import type { SharedInformer } from '../../client/informer.js';
import { CRONJOBS, EVENTS, JOBS } from '../../client/resources.js';
import type { ApiObject } from '../../client/types.js';
import { drivenInformer } from '../job/testing.js';
import { CronJobController } from './controller.js';
import { syncCronJobKey } from './sync.js';
import { CONTROLLER_COMPONENT, type CronJob, type CronJobSpec, type Job } from './types.js';

const MINUTE = 60_000;
/** 2024-01-01T12:00:00Z, a Monday. */
const NOON = Date.UTC(2024, 0, 1, 12, 0, 0);

class Harness {
  readonly clock: FakeClock;
  readonly client: FakeClient;
  readonly cronJobInformer;
  readonly jobInformer;
  readonly controller: CronJobController;

  constructor(start: number) {
    this.clock = new FakeClock(start);
    this.client = new FakeClient({ clock: this.clock });
    this.cronJobInformer = drivenInformer<CronJob>(CRONJOBS, this.clock);
    this.jobInformer = drivenInformer<Job>(JOBS, this.clock);
    const recorder = new EventRecorder(this.client, { component: CONTROLLER_COMPONENT }, { clock: this.clock });
    this.controller = new CronJobController({ client: this.client, cronJobInformer: this.cronJobInformer, jobInformer: this.jobInformer, clock: this.clock, recorder });
  }

  async catchUp(): Promise<void> {
    for (const informer of [this.cronJobInformer, this.jobInformer] as SharedInformer<ApiObject>[]) {
      const list = await this.client.list<ApiObject>(informer.type, undefined);
      informer.replace(list.items, list.metadata.resourceVersion ?? '');
    }
  }

  async create(name: string, spec: Partial<CronJobSpec>): Promise<CronJob> {
    const cj = await this.client.create<CronJob>(CRONJOBS, 'default', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name, namespace: 'default' },
      spec: {
        schedule: '*/5 * * * *',
        concurrencyPolicy: 'Allow',
        suspend: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
        jobTemplate: { metadata: { labels: { team: 'a' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } },
        ...spec,
      },
    });
    await this.catchUp();
    return cj;
  }

  /** One pass at the current fake time; returns the requeue delay. */
  async sync(name: string): Promise<number | undefined> {
    await this.catchUp();
    const after = await syncCronJobKey(this.controller.deps, `default/${name}`);
    await this.catchUp();
    return after;
  }

  async cronJob(name: string): Promise<CronJob> {
    return this.client.get<CronJob>(CRONJOBS, 'default', name);
  }

  async jobs(): Promise<Job[]> {
    return (await this.client.list<Job>(JOBS, 'default')).items.filter((j) => !j.metadata?.deletionTimestamp);
  }

  async finish(jobName: string, type: 'Complete' | 'Failed', startedAt: number): Promise<void> {
    const job = await this.client.get<Job>(JOBS, 'default', jobName);
    const at = formatTime(this.clock.now());
    await this.client.updateStatus(JOBS, 'default', {
      ...job,
      status: {
        startTime: formatTime(startedAt),
        ...(type === 'Complete' ? { completionTime: at, succeeded: 1 } : { failed: 1 }),
        conditions: [{ type, status: 'True', lastTransitionTime: at, lastProbeTime: at }],
      },
    });
  }

  async events(): Promise<string[]> {
    await this.controller.deps.recorder.flush();
    const list = await this.client.list<{ type?: string; reason?: string; message?: string }>(EVENTS, undefined);
    return list.items.map((e) => `${e.type} ${e.reason} ${e.message}`);
  }
}

/** A Harness whose CronJob was created at 11:58 and whose clock stands at `now`. */
async function started(spec: Partial<CronJobSpec>, now = NOON + 30_000): Promise<Harness> {
  const h = new Harness(NOON - 2 * MINUTE);
  await h.create('cj', spec);
  h.clock.setTime(now);
  return h;
}

describe('cronjob controller: scheduling', () => {
  it('creates the Job for the due time, named by minutes since the epoch, and requeues for the next slot', async () => {
    const h = await started({});
    const cj = await h.cronJob('cj');
    const after = await h.sync('cj');
    const [job] = await h.jobs();
    assert.equal(job?.metadata?.name, `cj-${NOON / MINUTE}`);
    assert.equal(job?.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2024-01-01T12:00:00Z');
    assert.equal(job?.metadata?.labels?.team, 'a');
    assert.deepEqual(job?.metadata?.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'cj', uid: cj.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(job?.spec?.template?.spec?.containers[0]?.image, 'busybox');
    const status = (await h.cronJob('cj')).status!;
    assert.equal(status.lastScheduleTime, '2024-01-01T12:00:00Z');
    assert.deepEqual(status.active, [{ kind: 'Job', namespace: 'default', name: job?.metadata?.name, uid: job?.metadata?.uid, apiVersion: 'batch/v1', resourceVersion: job?.metadata?.resourceVersion }]);
    assert.equal(after, 5 * MINUTE - 30_000 + 100, 'next at 12:05 plus 100 ms');
    assert.deepEqual(await h.events(), [`Normal SuccessfulCreate Created job ${job?.metadata?.name}`]);
    // The same slot is not started twice.
    await h.sync('cj');
    assert.equal((await h.jobs()).length, 1);
  });

  it('the controller re-adds the key for the next schedule time, no sooner', async () => {
    const h = await started({});
    await h.catchUp();
    while (h.controller.queue.len() > 0) h.controller.queue.done((await h.controller.queue.get())!);
    await h.controller.sync('default/cj');
    h.clock.step(5 * MINUTE - 30_000 + 99);
    assert.equal(h.controller.queue.len(), 0);
    h.clock.step(1);
    assert.equal(h.controller.queue.len(), 1, 'due at 12:05:00.100');
    await h.catchUp();
    await h.controller.sync((await h.controller.queue.get())!);
    assert.deepEqual((await h.jobs()).map((j) => j.metadata?.name).sort(), [`cj-${NOON / MINUTE}`, `cj-${NOON / MINUTE + 5}`]);
  });

  it('uses the CronJob time zone for the schedule and the annotation', async () => {
    // 21:00 in Tokyo is 12:00 UTC.
    const h = await started({ schedule: '0 21 * * *', timeZone: 'Asia/Tokyo' });
    const after = await h.sync('cj');
    const [job] = await h.jobs();
    assert.equal(job?.metadata?.name, `cj-${NOON / MINUTE}`);
    assert.equal(job?.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2024-01-01T21:00:00+09:00');
    assert.equal(after, 24 * 60 * MINUTE - 30_000 + 100);
  });

  it('a suspended CronJob starts nothing', async () => {
    const h = await started({ suspend: true });
    assert.equal(await h.sync('cj'), undefined);
    assert.deepEqual(await h.jobs(), []);
  });

  it('startingDeadlineSeconds: a slot older than the deadline is not started', async () => {
    const h = await started({ startingDeadlineSeconds: 10 }, NOON + 4 * MINUTE);
    await h.sync('cj');
    assert.deepEqual(await h.jobs(), []);
    const h2 = await started({ startingDeadlineSeconds: 200 }, NOON + 3 * MINUTE);
    await h2.sync('cj');
    assert.equal((await h2.jobs()).length, 1, 'within the deadline it still starts');
    assert.deepEqual(await h.events(), []);
  });

  it('warns TooManyMissedTimes when more than 100 slots were missed, and starts the latest', async () => {
    const h = new Harness(NOON - 2 * MINUTE);
    await h.create('cj', { schedule: '* * * * *' });
    h.clock.setTime(NOON + 200 * MINUTE + 1000);
    await h.sync('cj');
    assert.deepEqual((await h.jobs()).map((j) => j.metadata?.name), [`cj-${NOON / MINUTE + 200}`]);
    assert.ok((await h.events()).includes('Warning TooManyMissedTimes too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew'));
  });
});

describe('cronjob controller: concurrency policies', () => {
  const secondSlot = async (policy: string): Promise<Harness> => {
    const h = await started({ concurrencyPolicy: policy });
    await h.sync('cj');
    h.clock.setTime(NOON + 5 * MINUTE + 1000);
    await h.sync('cj');
    return h;
  };

  it('Allow: a second Job starts while the first runs', async () => {
    const h = await secondSlot('Allow');
    assert.equal((await h.jobs()).length, 2);
    assert.equal((await h.cronJob('cj')).status?.active?.length, 2);
  });

  it('Forbid: no second Job while the first runs (JobAlreadyActive); the next slot after it finished starts', async () => {
    const h = await secondSlot('Forbid');
    assert.deepEqual((await h.jobs()).map((j) => j.metadata?.name), [`cj-${NOON / MINUTE}`]);
    assert.ok((await h.events()).includes('Normal JobAlreadyActive Not starting job because prior execution is running and concurrency policy is Forbid'));
    await h.finish(`cj-${NOON / MINUTE}`, 'Complete', NOON);
    h.clock.setTime(NOON + 10 * MINUTE + 1000);
    await h.sync('cj');
    assert.deepEqual((await h.jobs()).map((j) => j.metadata?.name).sort(), [`cj-${NOON / MINUTE + 10}`, `cj-${NOON / MINUTE}`].sort());
  });

  it('Replace: the running Job is deleted and the new one started', async () => {
    const h = await secondSlot('Replace');
    assert.deepEqual((await h.jobs()).map((j) => j.metadata?.name), [`cj-${NOON / MINUTE + 5}`]);
    const active = (await h.cronJob('cj')).status?.active ?? [];
    assert.deepEqual(active.map((r) => r.name), [`cj-${NOON / MINUTE + 5}`]);
    assert.ok((await h.events()).includes(`Normal SuccessfulDelete Deleted job cj-${NOON / MINUTE}`));
  });
});

describe('cronjob controller: finished Jobs and history', () => {
  it('drops a finished Job from active (SawCompletedJob) and records lastSuccessfulTime', async () => {
    const h = await started({});
    await h.sync('cj');
    const name = `cj-${NOON / MINUTE}`;
    h.clock.step(MINUTE);
    await h.finish(name, 'Complete', NOON);
    await h.sync('cj');
    let cj = await h.cronJob('cj');
    assert.deepEqual(cj.status?.active ?? [], []);
    assert.ok((await h.events()).includes(`Normal SawCompletedJob Saw completed job: ${name}, condition: Complete`));
    await h.sync('cj'); // the status update brings it back, as in kube-controller-manager
    cj = await h.cronJob('cj');
    assert.equal(cj.status?.lastSuccessfulTime, '2024-01-01T12:01:30Z');
  });

  it('keeps successfulJobsHistoryLimit succeeded and failedJobsHistoryLimit failed Jobs, deleting the oldest', async () => {
    const h = await started({ successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1 });
    const names: string[] = [];
    for (let i = 0; i < 6; i++) {
      h.clock.setTime(NOON + i * 5 * MINUTE + 1000);
      await h.sync('cj');
      const name = `cj-${NOON / MINUTE + i * 5}`;
      names.push(name);
      await h.finish(name, i % 2 === 0 ? 'Complete' : 'Failed', NOON + i * 5 * MINUTE);
    }
    await h.sync('cj');
    // Succeeded: slots 0, 2, 4 -> keep 2, 4. Failed: slots 1, 3, 5 -> keep 5.
    assert.deepEqual((await h.jobs()).map((j) => j.metadata?.name).sort(), [names[2], names[4], names[5]].sort());
    const deleted = (await h.events()).filter((e) => e.includes('SuccessfulDelete'));
    assert.deepEqual(deleted.sort(), [names[0], names[1], names[3]].map((n) => `Normal SuccessfulDelete Deleted job ${n}`).sort());
  });

  it('removes an active ref whose Job is gone (MissingJob)', async () => {
    const h = await started({});
    await h.sync('cj');
    await h.client.delete(JOBS, 'default', `cj-${NOON / MINUTE}`);
    await h.sync('cj');
    assert.deepEqual((await h.cronJob('cj')).status?.active ?? [], []);
    assert.ok((await h.events()).includes(`Normal MissingJob Active job went missing: cj-${NOON / MINUTE}`));
  });
});
