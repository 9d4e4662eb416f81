// Test helpers for the ReplicaSet and Deployment controllers: informers fed by hand (so a test
// decides how stale the cache is), a recorder that keeps events as strings, object builders.
import { randomUUID } from 'node:crypto';
import { formatTime } from '../../apimachinery/meta.js';
import type { FakeClient } from '../../client/fake/fake-client.js';
import type { Clock } from '../../client/clock.js';
import type { ListerWatcher } from '../../client/reflector.js';
import { SharedInformer } from '../../client/informer.js';
import type { ApiObject, ResourceType } from '../../client/types.js';
import type { Pod, ReplicaSet } from './types.js';

/** An informer that never lists or watches: tests feed it with replace/added/modified/deleted. Frozen objects catch mutation. */
export function drivenInformer<T extends ApiObject>(type: ResourceType, clock?: Clock): SharedInformer<T> {
  const never: ListerWatcher<T> = {
    list: () => Promise.reject(new Error('driven informer: not listing')),
    watch: () => Promise.reject(new Error('driven informer: not watching')),
  };
  return new SharedInformer<T>(never, { type, freeze: true, clock });
}

/** Makes the informer show exactly what the fake API holds now (the watch "caught up"). */
export async function catchUp<T extends ApiObject>(informer: SharedInformer<T>, client: FakeClient): Promise<void> {
  const list = await client.list<T>(informer.type, undefined);
  informer.replace(list.items, list.metadata.resourceVersion ?? '');
}

export class RecordingRecorder {
  readonly events: string[] = [];
  event(obj: ApiObject | { name?: string }, type: string, reason: string, message: string): void {
    void obj;
    this.events.push(`${type} ${reason} ${message}`);
  }
  reasons(): string[] {
    return this.events.map((e) => e.split(' ')[1]!);
  }
}

export function newReplicaSet(name: string, replicas: number, opts: { namespace?: string; labels?: Record<string, string>; minReadySeconds?: number; owner?: { name: string; uid: string } } = {}): ReplicaSet {
  const labels = opts.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: opts.namespace ?? 'default',
      labels,
      ...(opts.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: opts.owner.name, uid: opts.owner.uid, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: {
      replicas,
      minReadySeconds: opts.minReadySeconds ?? 0,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
    },
  };
}

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  owner?: ReplicaSet;
  phase?: string;
  ready?: boolean;
  /** When the pod became ready (ms). */
  readySince?: number;
  nodeName?: string;
  created?: number;
  restarts?: number;
  deleting?: boolean;
}

/** A pod as the API would hold it (uid, creationTimestamp, resourceVersion), for feeding an informer. */
export function newPod(name: string, opts: PodOptions = {}): Pod {
  const ownerRs = opts.owner;
  const ready = opts.ready ?? false;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: opts.namespace ?? ownerRs?.metadata?.namespace ?? 'default',
      uid: randomUUID(),
      resourceVersion: '1',
      creationTimestamp: formatTime(opts.created ?? Date.UTC(2024, 0, 1)),
      labels: opts.labels ?? { ...(ownerRs?.spec?.template?.metadata?.labels ?? {}) },
      ...(ownerRs
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: ownerRs.metadata?.name ?? '', uid: ownerRs.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }] }
        : {}),
      ...(opts.deleting ? { deletionTimestamp: formatTime(Date.UTC(2024, 0, 1)) } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27' }], ...(opts.nodeName ? { nodeName: opts.nodeName } : {}) },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: formatTime(opts.readySince ?? Date.UTC(2024, 0, 1)) }],
      containerStatuses: [{ name: 'c', image: 'nginx:1.27', imageID: '', ready, restartCount: opts.restarts ?? 0 }],
    },
  };
}

/** Puts `obj` into the fake API as is (keeping uid and timestamps), stamped with the next resourceVersion. */
export function seed<T extends ApiObject>(client: FakeClient, type: ResourceType, obj: T): T {
  const stored = structuredClone(obj);
  stored.metadata = {
    generation: 1,
    creationTimestamp: formatTime(Date.UTC(2024, 0, 1)),
    ...stored.metadata,
    uid: stored.metadata?.uid ?? randomUUID(),
    resourceVersion: client.tracker.nextResourceVersion(),
  };
  client.tracker.record(type, 'ADDED', stored);
  return structuredClone(stored);
}
