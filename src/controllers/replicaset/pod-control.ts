// How the ReplicaSet controller changes pods (controller_utils.go RealPodControl): create from a
// template with a controller reference, delete, patch ownerReferences; every create and delete
// is recorded as an Event on the owner. A field of the controller, so tests can replace it.
import type { OwnerReference } from '../../apimachinery/meta.js';
import type { EventRecorder } from '../../client/event-recorder.js';
import { isNotFound } from '../../client/errors.js';
import { PODS } from '../../client/resources.js';
import type { ApiObject, Client } from '../../client/types.js';
import type { Pod, PodTemplateSpec } from './types.js';

export interface PodControl {
  createPod(namespace: string, template: PodTemplateSpec, owner: ApiObject, ref: OwnerReference, namePrefix: string): Promise<Pod>;
  deletePod(namespace: string, name: string, owner: ApiObject): Promise<void>;
  patchPod(namespace: string, name: string, patch: unknown): Promise<void>;
}

/** The pod a controller creates from its template (controller.GetPodFromTemplate). */
export function podFromTemplate(template: PodTemplateSpec, namespace: string, ref: OwnerReference, namePrefix: string): Pod {
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: namePrefix,
      namespace,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [ref],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
  };
}

/** The generateName prefix for a controller's pods: "<name>-", or the bare name when the dash would make it too long. */
export function podNamePrefix(controllerName: string): string {
  const prefix = `${controllerName}-`;
  return prefix.length > 253 ? controllerName : prefix;
}

export class RealPodControl implements PodControl {
  constructor(
    readonly client: Pick<Client, 'create' | 'delete' | 'patch'>,
    readonly recorder: Pick<EventRecorder, 'event'>,
  ) {}

  async createPod(namespace: string, template: PodTemplateSpec, owner: ApiObject, ref: OwnerReference, namePrefix: string): Promise<Pod> {
    const pod = podFromTemplate(template, namespace, ref, namePrefix);
    if (!pod.metadata?.labels || Object.keys(pod.metadata.labels).length === 0) throw new Error('unable to create pods, no labels');
    let created: Pod;
    try {
      created = await this.client.create<Pod>(PODS, namespace, pod);
    } catch (err) {
      this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${errorText(err)}`);
      throw err;
    }
    this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name ?? ''}`);
    return created;
  }

  async deletePod(namespace: string, name: string, owner: ApiObject): Promise<void> {
    try {
      await this.client.delete(PODS, namespace, name);
    } catch (err) {
      if (isNotFound(err)) throw err;
      this.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${errorText(err)}`);
      throw new Error(`unable to delete pods: ${errorText(err)}`, { cause: err });
    }
    this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  }

  async patchPod(namespace: string, name: string, patch: unknown): Promise<void> {
    await this.client.patch(PODS, namespace, name, 'strategic', patch);
  }
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
