// Everything the scheduler writes to the API, behind one interface so tests use a fake:
// the binding (POST pods/NAME/binding), the PodScheduled=False condition (a strategic merge
// patch of pods/NAME/status, merged by condition type) and events.
import { formatTime } from '../apimachinery/meta.js';
import type { Client } from '../client/types.js';
import { EVENTS, PODS } from '../client/resources.js';
import type { Pod, PodCondition } from './types.js';
import { DEFAULT_SCHEDULER_NAME } from './types.js';

export type EventType = 'Normal' | 'Warning';

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
  /** Records events when given (the client's EventRecorder); otherwise core/v1 Events are created directly. */
  recordEvent?: (pod: Pod, type: EventType, reason: string, action: string, message: string) => void;
  now?: () => number;
  /** Events written at once by the fallback writer; more wait, and beyond `eventBacklog` are dropped. */
  eventConcurrency?: number;
  eventBacklog?: number;
}

export function clientSchedulerIO(client: Client, options: ClientSchedulerIOOptions = {}): SchedulerIO {
  const now = options.now ?? Date.now;
  const recordEvent = options.recordEvent ?? coreEventWriter(client, now, options.eventConcurrency ?? 16, options.eventBacklog ?? 1000);
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
    event(pod, type, reason, action, message) {
      recordEvent(pod, type, reason, action, truncateMessage(message));
    },
  };
}

/** A small event writer: creates core/v1 Events as client-go's recorder would, a few at a time. */
function coreEventWriter(client: Client, now: () => number, concurrency: number, backlog: number) {
  const pending: Array<() => Promise<unknown>> = [];
  let running = 0;
  const next = (): void => {
    while (running < concurrency && pending.length) {
      const job = pending.shift()!;
      running++;
      job()
        .catch(() => undefined) // events are best effort, as in client-go
        .finally(() => {
          running--;
          next();
        });
    }
  };
  return (pod: Pod, type: EventType, reason: string, action: string, message: string): void => {
    if (pending.length >= backlog) return;
    const t = now();
    const namespace = pod.metadata?.namespace || 'default';
    const stamp = formatTime(t);
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod.metadata?.name ?? 'pod'}.${(BigInt(t) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`, namespace },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace,
        name: pod.metadata?.name,
        uid: pod.metadata?.uid,
        resourceVersion: pod.metadata?.resourceVersion,
      },
      reason,
      message,
      type,
      action,
      source: { component: DEFAULT_SCHEDULER_NAME },
      reportingComponent: DEFAULT_SCHEDULER_NAME,
      reportingInstance: DEFAULT_SCHEDULER_NAME,
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count: 1,
    };
    pending.push(() => client.create(EVENTS, namespace, event));
    next();
  };
}
