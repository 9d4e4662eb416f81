// Everything the scheduler writes to the API, behind one interface so tests use a fake:
// the binding (POST pods/NAME/binding), the PodScheduled=False condition (a strategic merge
// patch of pods/NAME/status, merged by condition type) and events (through the client's
// EventRecorder, which aggregates repeats).
import { formatTime } from '../apimachinery/meta.js';
import { EventRecorder } from '../client/event-recorder.js';
import { PODS } from '../client/resources.js';
import type { Client } from '../client/types.js';
import type { Pod, PodCondition } from './types.js';
import { DEFAULT_SCHEDULER_NAME } from './types.js';

import type { EventType } from '../client/event-recorder.js';

export type { EventType } from '../client/event-recorder.js';

export interface SchedulerIO {
  bind(pod: Pod, nodeName: string): Promise<void>;
  /** Sets the PodScheduled condition to False with this reason and message (skipped when already so). */
  setPodScheduledFalse(pod: Pod, reason: string, message: string): Promise<void>;
  /** Records an event about the pod; never throws, never blocks scheduling. */
  event(pod: Pod, type: EventType, reason: string, action: string, message: string): void;
}

/** validation.NoteLengthLimit: event messages are cut to 1 kB (truncateMessage). */
export const NOTE_LENGTH_LIMIT = 1024;

export const truncateMessage = (message: string): string =>
  message.length <= NOTE_LENGTH_LIMIT ? message : message.slice(0, NOTE_LENGTH_LIMIT - 4) + ' ...';

/** The status patch for PodScheduled=False, or undefined when the pod already has that condition. */
export function podScheduledFalsePatch(pod: Pod, reason: string, message: string, now: number): { status: { conditions: PodCondition[] } } | undefined {
  const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (current && current.status === 'False' && current.reason === reason && current.message === message) return undefined;
  const lastTransitionTime = current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : formatTime(now);
  return {
    status: {
      conditions: [{ type: 'PodScheduled', status: 'False', reason, message, lastTransitionTime }],
    },
  };
}

export interface ClientSchedulerIOOptions {
  /** Where events go; by default a client EventRecorder with source default-scheduler. */
  recorder?: Pick<EventRecorder, 'event'>;
  now?: () => number;
}

export function clientSchedulerIO(client: Client, options: ClientSchedulerIOOptions = {}): SchedulerIO {
  const now = options.now ?? Date.now;
  const recorder = options.recorder ?? new EventRecorder(client, { component: DEFAULT_SCHEDULER_NAME });
  return {
    async bind(pod, nodeName) {
      const name = pod.metadata?.name ?? '';
      const binding = {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace: pod.metadata?.namespace, ...(pod.metadata?.uid ? { uid: pod.metadata.uid } : {}) },
        target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
      };
      await client.create(PODS, pod.metadata?.namespace, binding, { subresource: 'binding', name });
    },
    async setPodScheduledFalse(pod, reason, message) {
      const patch = podScheduledFalsePatch(pod, reason, message, now());
      if (!patch) return;
      await client.patch(PODS, pod.metadata?.namespace, pod.metadata?.name ?? '', 'strategic', patch, { subresource: 'status' });
    },
    event(pod, type, reason, _action, message) {
      // core/v1 Events carry no action; kube-scheduler's events.k8s.io events would ("Scheduling", "Binding").
      recorder.event({ apiVersion: 'v1', kind: 'Pod', ...pod }, type, reason, truncateMessage(message));
    },
  };
}
