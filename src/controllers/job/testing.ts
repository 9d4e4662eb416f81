// Test helpers for the Job controllers: a fake API, informers fed by hand from it (so each test
// decides when the cache catches up), a fake clock, and builders for Jobs and pod outcomes.
import { FakeClock } from '../../client/clock.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { SharedInformer } from '../../client/informer.js';
import type { ListerWatcher } from '../../client/reflector.js';
import { EVENTS, JOBS, PODS } from '../../client/resources.js';
import type { ApiObject, ResourceType } from '../../client/types.js';
import { formatTime } from '../../apimachinery/meta.js';
import { JobController } from './controller.js';
import type { JobControllerConfig } from './deps.js';
import { CONTROLLER_COMPONENT, type Job, type JobSpec, type Pod } from './types.js';

export const START = Date.UTC(2024, 0, 1, 12, 0, 0);

/** An informer that never lists or watches: tests feed it with replace(). Frozen objects catch mutation. */
export function drivenInformer<T extends ApiObject>(type: ResourceType, clock: FakeClock): SharedInformer<T> {
  const never: ListerWatcher<T> = {
    list: () => Promise.reject(new Error('driven informer: not listing')),
    watch: () => Promise.reject(new Error('driven informer: not watching')),
  };
  return new SharedInformer<T>(never, { type, freeze: true, clock });
}

/** A Job as the apiserver returns it after defaulting (selector and labels generated). */
export function newJob(name: string, spec: Partial<JobSpec> = {}, namespace = 'default'): Job {
  const labels = { 'batch.kubernetes.io/job-name': name, 'job-name': name };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace, labels },
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/job-name': name } },
      ...spec,
      template: { metadata: { labels }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } },
    },
  };
}

export class JobHarness {
  readonly clock = new FakeClock(START);
  readonly client = new FakeClient({ clock: this.clock });
  readonly jobInformer = drivenInformer<Job>(JOBS, this.clock);
  readonly podInformer = drivenInformer<Pod>(PODS, this.clock);
  readonly recorder = new EventRecorder(this.client, { component: CONTROLLER_COMPONENT }, { clock: this.clock });
  readonly controller: JobController;
  /** Every delayed re-sync the sync steps asked for (deadline, back-off). */
  readonly requeues: Array<{ key: string; ms: number }> = [];

  constructor(config: Partial<JobControllerConfig> = {}) {
    this.controller = new JobController({ client: this.client, jobInformer: this.jobInformer, podInformer: this.podInformer, clock: this.clock, recorder: this.recorder, config });
    const enqueueAfter = this.controller.deps.enqueueAfter;
    this.controller.deps.enqueueAfter = (key, ms) => {
      this.requeues.push({ key, ms });
      enqueueAfter(key, ms);
    };
  }

  /** The caches show exactly what the fake API holds now (only the Jobs' cache when `jobsOnly`). */
  async catchUp(jobsOnly = false): Promise<void> {
    const informers = (jobsOnly ? [this.jobInformer] : [this.jobInformer, this.podInformer]) as SharedInformer<ApiObject>[];
    for (const informer of informers) {
      const list = await this.client.list<ApiObject>(informer.type, undefined);
      informer.replace(list.items, list.metadata.resourceVersion ?? '');
    }
  }

  async create(job: Job): Promise<Job> {
    const created = await this.client.create<Job>(JOBS, job.metadata?.namespace, job);
    await this.catchUp();
    return created;
  }

  /** Catches up, syncs the Job once, catches up again. */
  async sync(name: string, namespace = 'default'): Promise<void> {
    await this.catchUp();
    await this.controller.sync(`${namespace}/${name}`);
    await this.catchUp();
  }

  async job(name: string, namespace = 'default'): Promise<Job> {
    return this.client.get<Job>(JOBS, namespace, name);
  }

  async pods(namespace = 'default'): Promise<Pod[]> {
    return (await this.client.list<Pod>(PODS, namespace)).items;
  }

  async activePods(namespace = 'default'): Promise<Pod[]> {
    return (await this.pods(namespace)).filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  }

  /** What a kubelet reports when the pod's only container exits. */
  async finishPod(pod: Pod, phase: 'Succeeded' | 'Failed', at = this.clock.now()): Promise<void> {
    const fresh = await this.client.get<Pod>(PODS, pod.metadata?.namespace, pod.metadata?.name ?? '');
    const exitCode = phase === 'Succeeded' ? 0 : 1;
    const updated: Pod = {
      ...fresh,
      status: {
        ...fresh.status,
        phase,
        containerStatuses: [{ name: 'main', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, finishedAt: formatTime(at) } } }],
      },
    };
    await this.client.updateStatus(PODS, pod.metadata?.namespace, updated);
  }

  /** Events recorded so far, as "Type Reason Message". */
  async events(): Promise<string[]> {
    await this.recorder.flush();
    const list = await this.client.list<{ type?: string; reason?: string; message?: string }>(EVENTS, undefined);
    return list.items.map((e) => `${e.type} ${e.reason} ${e.message}`);
  }

  async updateSpec(name: string, change: (spec: JobSpec) => void): Promise<void> {
    const job = await this.job(name);
    change(job.spec!);
    await this.client.update(JOBS, 'default', job);
    await this.catchUp();
  }

  /** The types of the Job's True conditions, in order. */
  conditionTypes(job: Job): string[] {
    return (job.status?.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.type);
  }
}
