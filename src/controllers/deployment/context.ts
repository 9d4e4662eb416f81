// What the rollout code needs from the controller: the API, events, the clock, the cache, and
// ways to look at a Deployment again later. A field set of the controller, replaceable in tests.
import type { EventRecorder } from '../../client/event-recorder.js';
import type { Client } from '../../client/types.js';
import type { Deployment, Pod, ReplicaSet } from './types.js';

export interface SyncContext {
  client: Client;
  recorder: Pick<EventRecorder, 'event'>;
  now(): number;
  /** A ReplicaSet as the cache shows it. */
  cachedReplicaSet(namespace: string, name: string): ReplicaSet | undefined;
  requeueAfter(d: Deployment, ms: number): void;
  requeueRateLimited(d: Deployment): void;
}

/** The Deployment's ReplicaSets' pods, by ReplicaSet uid (for Recreate's "old pods gone" check). */
export type PodMap = Map<string, Pod[]>;
