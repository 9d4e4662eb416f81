import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JOBS, PODS } from '../../client/resources.js';
import { JobHarness, START, newJob } from './testing.js';
import { JOB_TRACKING_FINALIZER, type Pod } from './types.js';

const names = (pods: Pod[]): string[] => pods.map((p) => p.metadata?.name ?? '').sort();

describe('job controller: parallelism and completions', () => {
  it('creates pods from the template, owned by the Job, with the tracking finalizer', async () => {
    const h = new JobHarness();
    const job = await h.create(newJob('pi', { completions: 3, parallelism: 2 }));
    await h.sync('pi');
    const pods = await h.pods();
    assert.equal(pods.length, 2);
    for (const p of pods) {
      assert.equal(p.metadata?.generateName, 'pi-');
      assert.match(p.metadata?.name ?? '', /^pi-[a-z0-9]{5}$/);
      assert.equal(p.metadata?.labels?.['job-name'], 'pi');
      assert.deepEqual(p.metadata?.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: job.metadata?.uid, controller: true, blockOwnerDeletion: true }]);
      assert.deepEqual(p.metadata?.finalizers, [JOB_TRACKING_FINALIZER]);
      assert.equal(p.spec?.containers[0]?.image, 'busybox');
    }
    const status = (await h.job('pi')).status!;
    assert.equal(status.active, 2);
    assert.equal(status.startTime, '2024-01-01T12:00:00Z');
    assert.deepEqual((await h.events()).sort(), pods.map((p) => `Normal SuccessfulCreate Created pod: ${p.metadata?.name}`).sort());
  });

  it('never runs more than parallelism nor more than the completions left, and completes', async () => {
    const h = new JobHarness();
    await h.create(newJob('pi', { completions: 3, parallelism: 2 }));
    await h.sync('pi');
    let maxActive = 0;
    for (let round = 0; round < 5; round++) {
      const active = await h.activePods();
      maxActive = Math.max(maxActive, active.length);
      if (active.length === 0) break;
      await h.finishPod(active[0]!, 'Succeeded');
      h.clock.step(1000);
      await h.sync('pi');
    }
    assert.equal(maxActive, 2);
    const job = await h.job('pi');
    assert.equal(job.status?.succeeded, 3);
    assert.equal(job.status?.active, 0);
    assert.deepEqual(h.conditionTypes(job), ['SuccessCriteriaMet', 'Complete']);
    const complete = job.status?.conditions?.find((c) => c.type === 'Complete');
    assert.equal(complete?.reason, 'CompletionsReached');
    assert.equal(complete?.message, 'Reached expected number of succeeded pods');
    assert.equal(job.status?.completionTime, complete?.lastTransitionTime);
    assert.deepEqual(job.status?.uncountedTerminatedPods, {});
    assert.equal((await h.pods()).length, 3, 'exactly three pods were ever created');
    for (const p of await h.pods()) assert.deepEqual(p.metadata?.finalizers ?? [], [], 'finalizers removed once counted');
    assert.ok((await h.events()).includes('Normal Completed Job completed'));
  });

  it('without completions, stops creating once one pod succeeded and completes when all finished', async () => {
    const h = new JobHarness();
    await h.create(newJob('work', { completions: undefined, parallelism: 2 }));
    await h.sync('work');
    const [a, b] = await h.pods();
    await h.finishPod(a!, 'Succeeded');
    await h.sync('work');
    assert.equal((await h.pods()).length, 2, 'no replacement after a success');
    assert.deepEqual(h.conditionTypes(await h.job('work')), []);
    await h.finishPod(b!, 'Succeeded');
    await h.sync('work');
    assert.deepEqual(h.conditionTypes(await h.job('work')), ['SuccessCriteriaMet', 'Complete']);
  });

  it('waits for its pods to show up in the cache before creating more (expectations)', async () => {
    const h = new JobHarness();
    await h.create(newJob('pi', { completions: 5, parallelism: 3 }));
    await h.catchUp();
    await h.controller.sync('default/pi');
    await h.catchUp(true); // the Job's status is current, but the cache has not seen the three new pods yet
    await h.controller.sync('default/pi');
    assert.equal((await h.pods()).length, 3);
  });

  it('replaces a pod deleted before it finished and counts it as failed', async () => {
    const h = new JobHarness();
    await h.create(newJob('pi'));
    await h.sync('pi');
    const [pod] = await h.pods();
    await h.client.delete(PODS, 'default', pod!.metadata!.name!);
    await h.sync('pi');
    const job = await h.job('pi');
    assert.equal(job.status?.failed, 1);
    assert.equal((await h.pods()).filter((p) => p.metadata?.name !== pod!.metadata?.name).length, 0, 'back-off delays the replacement');
    h.clock.step(10_000);
    await h.sync('pi');
    assert.equal((await h.activePods()).length, 1);
  });
});

describe('job controller: backoffLimit and pod failure back-off', () => {
  it('delays the replacement of failed pods 10 s, then 20 s, doubling', async () => {
    const h = new JobHarness();
    await h.create(newJob('flaky', { backoffLimit: 6 }));
    await h.sync('flaky');
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [pod] = await h.activePods();
      await h.finishPod(pod!, 'Failed');
      await h.sync('flaky');
      assert.equal((await h.activePods()).length, 0, 'no replacement yet');
      const wait = h.requeues.at(-1)!;
      assert.equal(wait.key, 'default/flaky');
      waits.push(wait.ms);
      h.clock.step(wait.ms - 1);
      await h.sync('flaky');
      assert.equal((await h.activePods()).length, 0, 'still backing off 1 ms before');
      h.clock.step(1);
      await h.sync('flaky');
      assert.equal((await h.activePods()).length, 1, 'replaced once the back-off passed');
    }
    assert.deepEqual(waits, [10_000, 20_000, 40_000]);
    assert.equal((await h.job('flaky')).status?.failed, 3);
  });

  it('fails the Job with BackoffLimitExceeded once failures exceed backoffLimit', async () => {
    const h = new JobHarness();
    await h.create(newJob('doomed', { backoffLimit: 1, parallelism: 1, completions: 1 }));
    await h.sync('doomed');
    await h.finishPod((await h.activePods())[0]!, 'Failed');
    await h.sync('doomed');
    h.clock.step(10_000);
    await h.sync('doomed');
    await h.finishPod((await h.activePods())[0]!, 'Failed');
    await h.sync('doomed');
    const job = await h.job('doomed');
    assert.equal(job.status?.failed, 2);
    assert.deepEqual(h.conditionTypes(job), ['FailureTarget', 'Failed']);
    const failed = job.status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failed?.reason, 'BackoffLimitExceeded');
    assert.equal(failed?.message, 'Job has reached the specified backoff limit');
    assert.equal(job.status?.completionTime, undefined);
    assert.ok((await h.events()).includes('Warning BackoffLimitExceeded Job has reached the specified backoff limit'));
    h.clock.step(60_000);
    await h.sync('doomed');
    assert.equal((await h.pods()).length, 2, 'a failed Job creates no more pods');
  });

  it('deletes the active pods of a Job that exceeded its backoff limit', async () => {
    const h = new JobHarness();
    await h.create(newJob('par', { backoffLimit: 0, parallelism: 2, completions: 4 }));
    await h.sync('par');
    const [first, second] = await h.activePods();
    await h.finishPod(first!, 'Failed');
    await h.sync('par');
    let job = await h.job('par');
    assert.deepEqual(h.conditionTypes(job), ['FailureTarget'], 'Failed waits for the terminating pod');
    assert.ok((await h.events()).includes(`Normal SuccessfulDelete Deleted pod: ${second!.metadata?.name}`));
    await h.sync('par');
    job = await h.job('par');
    assert.deepEqual(h.conditionTypes(job), ['FailureTarget', 'Failed']);
    assert.equal(job.status?.failed, 2, 'the deleted pod counts as failed');
    assert.equal(job.status?.active, 0);
    assert.equal((await h.pods()).length, 1, 'the deleted pod is gone once its finalizer was removed');
  });

  it('computes the back-off from the last failure: capped at six minutes', async () => {
    const { remainingBackoff } = await import('./backoff.js');
    const h = new JobHarness();
    const at = h.clock.now();
    const wait = (failures: number): number => remainingBackoff({ key: 'k', failuresAfterLastSuccess: failures, lastFailureTime: at }, h.clock, 10_000, 360_000);
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 20].map(wait), [10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 360_000, 360_000]);
    h.clock.step(15_000);
    assert.equal(wait(2), 5_000, 'time since the failure counts');
    assert.equal(wait(1), 0);
  });
});

describe('job controller: activeDeadlineSeconds', () => {
  it('requeues for the deadline and then fails the Job with DeadlineExceeded', async () => {
    const h = new JobHarness();
    await h.create(newJob('slow', { activeDeadlineSeconds: 30 }));
    await h.sync('slow');
    const [pod] = await h.activePods();
    assert.deepEqual(h.requeues.at(-1), { key: 'default/slow', ms: 30_000 });
    h.clock.step(12_000);
    await h.sync('slow');
    assert.deepEqual(h.requeues.at(-1), { key: 'default/slow', ms: 18_000 });
    h.clock.step(18_000);
    await h.sync('slow');
    let job = await h.job('slow');
    assert.deepEqual(h.conditionTypes(job), ['FailureTarget']);
    assert.ok((await h.events()).includes(`Normal SuccessfulDelete Deleted pod: ${pod!.metadata?.name}`));
    await h.sync('slow');
    job = await h.job('slow');
    assert.deepEqual(h.conditionTypes(job), ['FailureTarget', 'Failed']);
    assert.equal(job.status?.conditions?.find((c) => c.type === 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(job.status?.failed, 1);
    assert.equal(job.status?.active, 0);
    assert.deepEqual(await h.pods(), []);
    assert.ok((await h.events()).includes('Warning DeadlineExceeded Job was active longer than specified deadline'));
  });
});

describe('job controller: suspend', () => {
  it('deletes active pods on suspend, clears startTime, and starts over on resume', async () => {
    const h = new JobHarness();
    await h.create(newJob('batch', { completions: 4, parallelism: 2 }));
    await h.sync('batch');
    assert.equal((await h.activePods()).length, 2);
    await h.updateSpec('batch', (spec) => (spec.suspend = true));
    await h.sync('batch');
    let job = await h.job('batch');
    assert.equal(job.status?.terminating, 2);
    await h.sync('batch'); // the pods' deletion observed
    job = await h.job('batch');
    assert.deepEqual(await h.pods(), [], 'pods deleted without being counted');
    assert.equal(job.status?.failed ?? 0, 0);
    assert.equal(job.status?.active, 0);
    assert.equal(job.status?.startTime, undefined);
    const suspended = job.status?.conditions?.find((c) => c.type === 'Suspended');
    assert.equal(suspended?.status, 'True');
    assert.equal(suspended?.reason, 'JobSuspended');
    const events = await h.events();
    assert.ok(events.includes('Normal Suspended Job suspended'));
    assert.equal(events.filter((e) => e.startsWith('Normal SuccessfulDelete')).length, 2);

    h.clock.step(5000);
    await h.updateSpec('batch', (spec) => (spec.suspend = false));
    await h.sync('batch');
    job = await h.job('batch');
    assert.equal((await h.activePods()).length, 2);
    assert.equal(job.status?.conditions?.find((c) => c.type === 'Suspended')?.status, 'False');
    assert.equal(job.status?.conditions?.find((c) => c.type === 'Suspended')?.reason, 'JobResumed');
    assert.equal(job.status?.startTime, '2024-01-01T12:00:05Z');
    assert.ok((await h.events()).includes('Normal Resumed Job resumed'));
  });

  it('a Job created suspended starts no pods and has no startTime', async () => {
    const h = new JobHarness();
    await h.create(newJob('later', { suspend: true, activeDeadlineSeconds: 10 }));
    await h.sync('later');
    h.clock.step(60_000);
    await h.sync('later');
    const job = await h.job('later');
    assert.deepEqual(await h.pods(), []);
    assert.equal(job.status?.startTime, undefined);
    assert.deepEqual(h.conditionTypes(job), ['Suspended'], 'the deadline does not run while suspended');
  });
});

describe('job controller: Indexed completion mode', () => {
  it('gives each pod an index (annotation, label, env, hostname) and completes when every index succeeded', async () => {
    const h = new JobHarness();
    await h.create(newJob('idx', { completionMode: 'Indexed', completions: 3, parallelism: 2 }));
    await h.sync('idx');
    let pods = await h.activePods();
    const byIndex = new Map(pods.map((p) => [p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'], p]));
    assert.deepEqual([...byIndex.keys()].sort(), ['0', '1']);
    const p1 = byIndex.get('1')!;
    assert.match(p1.metadata?.name ?? '', /^idx-1-[a-z0-9]{5}$/);
    assert.equal(p1.metadata?.labels?.['batch.kubernetes.io/job-completion-index'], '1');
    assert.equal(p1.spec?.hostname, 'idx-1');
    assert.deepEqual(p1.spec?.containers[0]?.env, [
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } },
    ]);
    await h.finishPod(p1, 'Succeeded');
    await h.sync('idx');
    let job = await h.job('idx');
    assert.equal(job.status?.completedIndexes, '1');
    assert.equal(job.status?.succeeded, 1);
    pods = await h.activePods();
    assert.deepEqual(pods.map((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']).sort(), ['0', '2'], 'index 2 replaces index 1');
    for (const p of pods) await h.finishPod(p, 'Succeeded');
    await h.sync('idx');
    job = await h.job('idx');
    assert.equal(job.status?.completedIndexes, '0-2');
    assert.deepEqual(h.conditionTypes(job), ['SuccessCriteriaMet', 'Complete']);
  });
});

describe('job controller: finalizers of pods whose Job is gone', () => {
  it('the orphan queue removes the tracking finalizer', async () => {
    const h = new JobHarness();
    await h.create(newJob('gone', { parallelism: 1 }));
    await h.sync('gone');
    const [pod] = await h.pods();
    await h.client.delete(JOBS, 'default', 'gone');
    await h.catchUp();
    assert.ok(h.controller.orphanQueue.len() >= 1, 'the deleted Job queued its pods');
    await h.controller.syncOrphanPod(`default/${pod!.metadata?.name}`);
    const after = await h.client.get<Pod>(PODS, 'default', pod!.metadata!.name!);
    assert.deepEqual(after.metadata?.finalizers ?? [], []);
  });

  it('adopts an orphan pod its selector matches', async () => {
    const h = new JobHarness();
    const job = await h.create(newJob('adopter', { parallelism: 1 }));
    await h.client.create<Pod>(PODS, 'default', {
      metadata: { name: 'stray', labels: { 'batch.kubernetes.io/job-name': 'adopter' } },
      spec: { containers: [{ name: 'main', image: 'busybox' }] },
    });
    await h.sync('adopter');
    const stray = await h.client.get<Pod>(PODS, 'default', 'stray');
    assert.equal(stray.metadata?.ownerReferences?.[0]?.uid, job.metadata?.uid);
    assert.deepEqual(stray.metadata?.finalizers, [JOB_TRACKING_FINALIZER]);
    assert.deepEqual(names(await h.pods()), ['stray'], 'the adopted pod counts as active: nothing created');
    assert.equal((await h.job('adopter')).status?.active, 1);
  });
});

void START;
