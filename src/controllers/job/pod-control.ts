// Creating and deleting a Job's pods, with the events kube-controller-manager records for each
// (pkg/controller/controller_utils.go RealPodControl): SuccessfulCreate "Created pod: NAME",
// FailedCreate, SuccessfulDelete "Deleted pod: NAME", FailedDelete.
import { isNotFound } from '../../client/errors.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { PODS } from '../../client/resources.js';
import type { Client } from '../../client/types.js';
import { JOB_TRACKING_FINALIZER, type Job, type Pod, type PodTemplateSpec } from './types.js';

export interface PodControl {
  /** Creates one pod from `template`, owned by `job`; `generateName` defaults to "<job>-". */
  createPod(job: Job, template: PodTemplateSpec, generateName?: string): Promise<Pod>;
  deletePod(job: Job, pod: Pod): Promise<void>;
  /** A strategic merge patch of the pod (finalizer removal, adoption). */
  patchPod(namespace: string, name: string, patch: unknown): Promise<void>;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The pod a Job's template describes (GetPodFromTemplate), with the tracking finalizer. */
export function podFromTemplate(job: Job, template: PodTemplateSpec, generateName?: string): Pod {
  const meta = template.metadata ?? {};
  const finalizers = [...(meta.finalizers ?? [])];
  if (!finalizers.includes(JOB_TRACKING_FINALIZER)) finalizers.push(JOB_TRACKING_FINALIZER);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: generateName ?? `${job.metadata?.name ?? ''}-`,
      namespace: job.metadata?.namespace,
      labels: { ...meta.labels },
      annotations: { ...meta.annotations },
      finalizers,
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata?.name ?? '', uid: job.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
  };
}

export class RealPodControl implements PodControl {
  constructor(
    readonly client: Client,
    readonly recorder: EventRecorder,
  ) {}

  async createPod(job: Job, template: PodTemplateSpec, generateName?: string): Promise<Pod> {
    const pod = podFromTemplate(job, template, generateName);
    try {
      const created = await this.client.create<Pod>(PODS, job.metadata?.namespace, pod);
      this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name ?? ''}`);
      return created;
    } catch (err) {
      this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${errorText(err)}`);
      throw err;
    }
  }

  async deletePod(job: Job, pod: Pod): Promise<void> {
    const name = pod.metadata?.name ?? '';
    try {
      await this.client.delete(PODS, pod.metadata?.namespace, name);
      this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (err) {
      if (!isNotFound(err)) this.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${errorText(err)}`);
      throw err;
    }
  }

  async patchPod(namespace: string, name: string, patch: unknown): Promise<void> {
    await this.client.patch(PODS, namespace, name, 'strategic', patch);
  }
}

/** The patch that drops the tracking finalizer, or undefined when the pod has none. */
export function removeTrackingFinalizerPatch(pod: Pod): unknown {
  if (!(pod.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)) return undefined;
  return { metadata: { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER] } };
}
