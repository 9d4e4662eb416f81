import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client, CreateOptions, PatchOptions, PatchType, ResourceType } from '../client/types.js';
import { NOTE_LENGTH_LIMIT, clientSchedulerIO, podScheduledFalsePatch, truncateMessage } from './scheduler-io.js';
import { makePod } from './testing.js';

interface Call { verb: string; resource: string; namespace: string | undefined; body: unknown; opts: unknown; name?: string; patchType?: PatchType }

/** Records create/patch calls; nothing else is used by the scheduler's writer. */
function recordingClient(): { client: Client; calls: Call[] } {
  const calls: Call[] = [];
  const client = {
    async create<T>(type: ResourceType, namespace: string | undefined, obj: T, opts?: CreateOptions): Promise<T> {
      calls.push({ verb: 'create', resource: type.resource, namespace, body: obj, opts });
      return obj;
    },
    async patch<T>(type: ResourceType, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown, opts?: PatchOptions): Promise<T> {
      calls.push({ verb: 'patch', resource: type.resource, namespace, body: patch, opts, name, patchType });
      return {} as T;
    },
  } as unknown as Client;
  return { client, calls };
}

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);

describe('clientSchedulerIO', () => {
  it('binds through POST pods/NAME/binding', async () => {
    const { client, calls } = recordingClient();
    await clientSchedulerIO(client).bind(makePod('web', { namespace: 'prod' }), 'node-1');
    assert.deepEqual(calls, [
      {
        verb: 'create',
        resource: 'pods',
        namespace: 'prod',
        body: {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name: 'web', namespace: 'prod', uid: 'uid-prod-web' },
          target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
        },
        opts: { subresource: 'binding', name: 'web' },
      },
    ]);
  });

  it('patches PodScheduled=False through the status subresource (strategic merge, merged by type)', async () => {
    const { client, calls } = recordingClient();
    await clientSchedulerIO(client, { now: () => NOW }).setPodScheduledFalse(makePod('web'), 'Unschedulable', '0/1 nodes are available: 1 Insufficient cpu.');
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.patchType, 'strategic');
    assert.deepEqual(calls[0]!.opts, { subresource: 'status' });
    assert.deepEqual(calls[0]!.body, {
      status: {
        conditions: [
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.', lastTransitionTime: '2024-05-01T12:00:00Z' },
        ],
      },
    });
  });

  it('records events through an EventRecorder with source default-scheduler', async () => {
    const { client, calls } = recordingClient();
    clientSchedulerIO(client, { now: () => NOW }).event(makePod('web'), 'Normal', 'Scheduled', 'Binding', 'Successfully assigned default/web to n1');
    for (let i = 0; i < 5 && calls.length === 0; i++) await new Promise((r) => setImmediate(r));
    const ev = calls[0]!.body as Record<string, unknown>;
    assert.equal(calls[0]!.resource, 'events');
    assert.equal(ev.reason, 'Scheduled');
    assert.equal(ev.type, 'Normal');
    assert.equal(ev.message, 'Successfully assigned default/web to n1');
    assert.deepEqual(ev.source, { component: 'default-scheduler' });
    assert.deepEqual(ev.involvedObject, { kind: 'Pod', namespace: 'default', name: 'web', uid: 'uid-default-web', apiVersion: 'v1' });
  });

  it('hands events to the given recorder, cut to 1 kB', () => {
    const { client, calls } = recordingClient();
    const seen: string[] = [];
    const recorder = { event: (obj: { kind?: string }, type: string, reason: string, message: string) => void seen.push(`${obj.kind} ${type} ${reason} ${message}`) };
    clientSchedulerIO(client, { recorder }).event(makePod('web'), 'Warning', 'FailedScheduling', 'Scheduling', 'x'.repeat(2000));
    assert.equal(calls.length, 0);
    assert.equal(seen[0]!.length, 'Pod Warning FailedScheduling '.length + NOTE_LENGTH_LIMIT);
  });
});

describe('podScheduledFalsePatch', () => {
  it('is skipped when the pod already carries the same condition, and keeps the transition time on a new message', () => {
    const pod = makePod('p');
    const cond = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'm1', lastTransitionTime: '2024-01-01T00:00:00Z' };
    (pod as { status: unknown }).status = { phase: 'Pending', conditions: [cond] };
    assert.equal(podScheduledFalsePatch(pod, 'Unschedulable', 'm1', NOW), undefined);
    assert.equal(podScheduledFalsePatch(pod, 'Unschedulable', 'm2', NOW)?.status.conditions[0]?.lastTransitionTime, '2024-01-01T00:00:00Z');
  });

  it('truncates long messages like upstream', () => {
    assert.equal(truncateMessage('short'), 'short');
    const long = truncateMessage('y'.repeat(5000));
    assert.equal(long.length, NOTE_LENGTH_LIMIT);
    assert.ok(long.endsWith(' ...'));
  });
});
