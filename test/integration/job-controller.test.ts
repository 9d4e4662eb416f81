// The Job and CronJob controllers, run in this process against a real kite server (its own
// controllers and scheduler disabled) over HTTPS, driven by the real kubectl. A tiny stand-in
// kubelet finishes every new pod through /status: Succeeded, or Failed for pods of Jobs whose
// name starts with "fail-".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { formatTime } from '../../src/apimachinery/meta.js';
import { isConflict, isNotFound } from '../../src/client/errors.js';
import { SharedInformerFactory } from '../../src/client/informer-factory.js';
import { newInformer } from '../../src/client/informer.js';
import { EVENTS, JOBS, PODS } from '../../src/client/resources.js';
import { RestClient } from '../../src/client/rest-client.js';
import type { ApiObject, Watch } from '../../src/client/types.js';
import type { ControllerContext } from '../../src/controllers/context.js';
import { startCronJobController } from '../../src/controllers/cronjob/start.js';
import { jobControllerStarter } from '../../src/controllers/job/start.js';
import type { Job, Pod } from '../../src/controllers/job/types.js';
import { type KiteServer, startKiteServer } from '../util/kite-server.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const isFinished = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/** Finishes each new pod `runMs` after it appears, as a kubelet would once its container exits. */
function startFakeKubelet(client: RestClient, signal: AbortSignal, runMs: number): void {
  const informer = newInformer<Pod>(client, { type: PODS });
  const seen = new Set<string>();
  const finish = async (namespace: string, name: string, jobName: string): Promise<void> => {
    const phase = jobName.startsWith('fail-') ? 'Failed' : 'Succeeded';
    for (let attempt = 0; attempt < 5 && !signal.aborted; attempt++) {
      try {
        const pod = await client.get<Pod>(PODS, namespace, name);
        if (isFinished(pod) || pod.metadata?.deletionTimestamp) return;
        const now = formatTime(Date.now());
        const exitCode = phase === 'Succeeded' ? 0 : 1;
        await client.updateStatus<Pod>(PODS, namespace, {
          ...pod,
          status: {
            ...pod.status,
            phase,
            startTime: now,
            conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: now }],
            containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
              name: c.name,
              image: c.image ?? '',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { terminated: { exitCode, reason: phase === 'Succeeded' ? 'Completed' : 'Error', startedAt: now, finishedAt: now } },
            })),
          },
        });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err)) throw err;
      }
    }
  };
  const consider = (pod: Pod): void => {
    const key = pod.metadata?.uid ?? '';
    if (seen.has(key) || isFinished(pod) || pod.metadata?.deletionTimestamp) return;
    seen.add(key);
    const jobName = pod.metadata?.labels?.['job-name'] ?? '';
    setTimeout(() => void finish(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', jobName).catch(() => undefined), runMs);
  };
  informer.addEventHandler({ onAdd: consider, onUpdate: (_old, cur) => consider(cur) });
  void informer.run(signal);
}

const jobYaml = (name: string, spec: Record<string, unknown>): string =>
  JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: { ...spec, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['true'] }] } } },
  });

describe('job and cronjob controllers with kubectl', () => {
  let kite: KiteServer;
  let client: RestClient;
  const stop = new AbortController();

  const kubectl = async (args: string[], stdin?: string, timeoutMs = 60_000): Promise<string> => {
    const r = await kite.kubectl(args, { stdin, timeoutMs });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const podsOf = async (job: string): Promise<Pod[]> => (await client.list<Pod>(PODS, 'default', { labelSelector: `job-name=${job}` })).items;
  const eventsOf = async (name: string): Promise<string[]> =>
    (await client.list<ApiObject & { involvedObject?: { name?: string }; reason?: string; message?: string }>(EVENTS, 'default')).items
      .filter((e) => e.involvedObject?.name === name)
      .map((e) => `${e.reason} ${e.message}`);

  before(async () => {
    kite = await startKiteServer({ args: ['--disable-controllers', '--disable-scheduler'] });
    client = await RestClient.fromKubeconfig(kite.kubeconfig, { userAgent: 'job-controller-test' });
    const ctx: ControllerContext = { client, informers: new SharedInformerFactory(client), signal: stop.signal, log: pino({ level: 'silent' }) };
    // Shorter batching and pod-failure back-off than kube-controller-manager's 1 s and 10 s, so the test is quick.
    await jobControllerStarter({ syncBatchPeriodMs: 100, podFailureBackoffMs: 300 })(ctx);
    await startCronJobController(ctx);
    startFakeKubelet(client, stop.signal, 300);
  });

  after(async () => {
    stop.abort();
    client?.close();
    await kite?.stop();
  });

  it('kubectl create job runs to completion (kubectl wait --for=condition=complete)', async () => {
    assert.match(await kubectl(['create', 'job', 'hello', '--image=busybox', '--', 'echo', 'hi']), /job.batch\/hello created/);
    assert.match(await kubectl(['wait', '--for=condition=complete', 'job/hello', '--timeout=60s'], undefined, 70_000), /job.batch\/hello condition met/);
    const job = await client.get<Job>(JOBS, 'default', 'hello');
    assert.equal(job.status?.succeeded, 1);
    assert.equal(job.status?.active ?? 0, 0);
    assert.ok(job.status?.startTime && job.status.completionTime);
    assert.deepEqual(
      job.status?.conditions?.map((c) => `${c.type}=${c.status} ${c.reason}`),
      ['SuccessCriteriaMet=True CompletionsReached', 'Complete=True CompletionsReached'],
    );
    const pods = await podsOf('hello');
    assert.equal(pods.length, 1);
    assert.deepEqual(pods[0]?.metadata?.finalizers ?? [], [], 'the tracking finalizer is removed once counted');
    assert.equal(pods[0]?.metadata?.ownerReferences?.[0]?.uid, job.metadata?.uid);
    const events = await eventsOf('hello');
    assert.ok(events.includes(`SuccessfulCreate Created pod: ${pods[0]?.metadata?.name}`), events.join('\n'));
    assert.ok(events.includes('Completed Job completed'), events.join('\n'));
    assert.match(await kubectl(['get', 'job', 'hello']), /^hello\s+Complete\s+1\/1\s+/m);
  });

  it('completions=3, parallelism=2 never has more than 2 active pods', async () => {
    const list = await client.list<Pod>(PODS, 'default', { labelSelector: 'job-name=batch3' });
    const live = new Map<string, Pod>();
    let maxActive = 0;
    const watch: Watch<Pod> = await client.watch<Pod>(PODS, 'default', {
      labelSelector: 'job-name=batch3',
      resourceVersion: list.metadata.resourceVersion,
      onEvent: (ev) => {
        if (ev.type === 'ERROR' || ev.type === 'BOOKMARK') return;
        const pod = ev.object as Pod;
        const name = pod.metadata?.name ?? '';
        if (ev.type === 'DELETED' || pod.metadata?.deletionTimestamp || isFinished(pod)) live.delete(name);
        else live.set(name, pod);
        maxActive = Math.max(maxActive, live.size);
      },
    });
    try {
      await kubectl(['apply', '-f', '-'], jobYaml('batch3', { completions: 3, parallelism: 2 }));
      await kubectl(['wait', '--for=condition=complete', 'job/batch3', '--timeout=60s'], undefined, 70_000);
    } finally {
      watch.stop();
    }
    assert.equal(maxActive, 2, 'two pods ran at once, never three');
    const job = await client.get<Job>(JOBS, 'default', 'batch3');
    assert.equal(job.status?.succeeded, 3);
    assert.equal(job.status?.failed ?? 0, 0);
    const pods = await podsOf('batch3');
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.status?.phase === 'Succeeded'));
  });

  it('a failing Job stops at backoffLimit with condition Failed (BackoffLimitExceeded)', async () => {
    await kubectl(['apply', '-f', '-'], jobYaml('fail-always', { backoffLimit: 1 }));
    await kubectl(['wait', '--for=condition=failed', 'job/fail-always', '--timeout=60s'], undefined, 70_000);
    const job = await client.get<Job>(JOBS, 'default', 'fail-always');
    assert.equal(job.status?.failed, 2, 'the first failure and one retry');
    assert.equal(job.status?.succeeded ?? 0, 0);
    const failed = job.status?.conditions?.find((c) => c.type === 'Failed');
    assert.equal(failed?.status, 'True');
    assert.equal(failed?.reason, 'BackoffLimitExceeded');
    assert.equal(failed?.message, 'Job has reached the specified backoff limit');
    assert.equal(job.status?.conditions?.find((c) => c.type === 'FailureTarget')?.reason, 'BackoffLimitExceeded');
    assert.equal(job.status?.completionTime, undefined);
    await sleep(800);
    assert.equal((await podsOf('fail-always')).length, 2, 'no pod is created after the Job failed');
    assert.ok((await eventsOf('fail-always')).includes('BackoffLimitExceeded Job has reached the specified backoff limit'));
  });

  it('kubectl create job --from=cronjob/X makes a Job owned by the CronJob that runs to completion', async () => {
    await kubectl(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '--', 'date']);
    const out = await kubectl(['create', 'job', 'nightly-manual', '--from=cronjob/nightly']);
    assert.match(out, /job.batch\/nightly-manual created/);
    await kubectl(['wait', '--for=condition=complete', 'job/nightly-manual', '--timeout=60s'], undefined, 70_000);
    const job = await client.get<Job>(JOBS, 'default', 'nightly-manual');
    const cronJob = await client.get<ApiObject>({ group: 'batch', version: 'v1', resource: 'cronjobs', namespaced: true }, 'default', 'nightly');
    assert.equal(job.metadata?.annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.equal(job.metadata?.ownerReferences?.[0]?.kind, 'CronJob');
    assert.equal(job.metadata?.ownerReferences?.[0]?.uid, cronJob.metadata?.uid);
    assert.equal(job.status?.succeeded, 1);
    // Not a scheduled run: 03:00 is hours away, so the CronJob itself started nothing.
    const jobs = (await client.list<Job>(JOBS, 'default')).items.filter((j) => j.metadata?.ownerReferences?.[0]?.uid === cronJob.metadata?.uid);
    assert.deepEqual(jobs.map((j) => j.metadata?.name), ['nightly-manual']);
  });
});
