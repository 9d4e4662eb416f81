import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../apimachinery/errors.js';
import { FakeClock } from './clock.js';
import { EventRecorder } from './event-recorder.js';
import { FakeClient } from './fake/fake-client.js';
import { EVENTS } from './resources.js';

interface EventObj {
  metadata: { name: string; namespace: string };
  involvedObject: Record<string, string>;
  reason: string;
  message: string;
  type: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string; host?: string };
}

const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod', uid: 'u-1', resourceVersion: '7' } };

test('an event names its object, source, type and times', async () => {
  const fake = new FakeClient();
  const clock = new FakeClock(Date.UTC(2024, 4, 1, 12, 0, 0));
  const recorder = new EventRecorder(fake, { component: 'deployment-controller' }, { clock });
  recorder.event(deployment, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-abc to 3');
  await recorder.flush();
  const { items } = await fake.list<EventObj>(EVENTS, 'prod');
  assert.equal(items.length, 1);
  const ev = items[0]!;
  assert.match(ev.metadata.name, /^web\.[0-9a-f]+$/);
  assert.deepEqual(ev.involvedObject, { kind: 'Deployment', namespace: 'prod', name: 'web', uid: 'u-1', apiVersion: 'apps/v1', resourceVersion: '7' });
  assert.equal(ev.reason, 'ScalingReplicaSet');
  assert.equal(ev.type, 'Normal');
  assert.equal(ev.count, 1);
  assert.equal(ev.firstTimestamp, '2024-05-01T12:00:00Z');
  assert.equal(ev.lastTimestamp, '2024-05-01T12:00:00Z');
  assert.deepEqual(ev.source, { component: 'deployment-controller' });
});

test('repeats of the same event update count and lastTimestamp on one Event', async () => {
  const fake = new FakeClient();
  const clock = new FakeClock(Date.UTC(2024, 4, 1, 12, 0, 0));
  const recorder = new EventRecorder(fake, { component: 'kubelet', host: 'node-1' }, { clock });
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u-p' } };
  recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  clock.step(10_000);
  recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  clock.step(10_000);
  recorder.event(pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
  recorder.event(pod, 'Normal', 'Pulled', 'Container image "nginx" already present on machine');
  await recorder.flush();
  const { items } = await fake.list<EventObj>(EVENTS, 'default');
  assert.equal(items.length, 2);
  const backoff = items.find((e) => e.reason === 'BackOff')!;
  assert.equal(backoff.count, 3);
  assert.equal(backoff.firstTimestamp, '2024-05-01T12:00:00Z');
  assert.equal(backoff.lastTimestamp, '2024-05-01T12:00:20Z');
  assert.deepEqual(backoff.source, { component: 'kubelet', host: 'node-1' });
  assert.equal(fake.actions.filter((a) => a.verb === 'patch').length, 2);
});

test('events about cluster-scoped objects go to the default namespace', async () => {
  const fake = new FakeClient();
  const recorder = new EventRecorder(fake, { component: 'node-controller' });
  recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u-n' } }, 'Normal', 'RegisteredNode', 'Node n1 event: Registered Node n1 in Controller');
  await recorder.flush();
  const { items } = await fake.list<EventObj>(EVENTS, 'default');
  assert.equal(items[0]?.involvedObject.kind, 'Node');
  assert.equal(items[0]?.involvedObject.namespace, undefined);
});

test('a repeat whose Event was deleted creates a new one carrying the tally; failures never throw', async () => {
  const fake = new FakeClient();
  const logs: string[] = [];
  const recorder = new EventRecorder(fake, { component: 'c' }, { log: (msg) => logs.push(msg) });
  recorder.event(deployment, 'Normal', 'R', 'm');
  await recorder.flush();
  await fake.deleteCollection(EVENTS, 'prod');
  recorder.event(deployment, 'Normal', 'R', 'm');
  await recorder.flush();
  const { items } = await fake.list<EventObj>(EVENTS, 'prod');
  assert.equal(items.length, 1);
  assert.equal(items[0]?.count, 2);

  fake.prependReactor((action) => {
    if (action.verb === 'create') throw new StatusError(403, 'Forbidden', 'nope');
    return undefined;
  });
  assert.doesNotThrow(() => recorder.event(deployment, 'Warning', 'Other', 'x'));
  await recorder.flush();
  assert.deepEqual(logs, ['event not recorded']);
});
