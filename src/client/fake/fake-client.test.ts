import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../../apimachinery/errors.js';
import { CONFIGMAPS, DEPLOYMENTS, PODS } from '../resources.js';
import type { ApiObject, WatchEvent } from '../types.js';
import { FakeClient } from './fake-client.js';

interface Deployment extends ApiObject {
  spec?: { replicas?: number };
  status?: { replicas?: number };
}

const reason = (code: string) => (err: unknown) => err instanceof StatusError && err.reason === code;

test('create stamps metadata; a second create of the name is AlreadyExists; generateName picks a name', async () => {
  const fake = new FakeClient();
  const created = await fake.create<ApiObject & { data?: Record<string, string> }>(CONFIGMAPS, 'ns', { metadata: { name: 'a' }, data: { k: 'v' } });
  assert.equal(created.metadata?.namespace, 'ns');
  assert.equal(created.metadata?.resourceVersion, '1');
  assert.equal(created.metadata?.generation, 1);
  assert.ok(created.metadata?.uid);
  assert.match(created.metadata?.creationTimestamp ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(created.kind, 'ConfigMap');
  await assert.rejects(fake.create(CONFIGMAPS, 'ns', { metadata: { name: 'a' } }), reason('AlreadyExists'));
  const generated = await fake.create<ApiObject>(CONFIGMAPS, 'ns', { metadata: { generateName: 'web-' } });
  assert.match(generated.metadata?.name ?? '', /^web-[0-9a-f]{5}$/);
  await assert.rejects(fake.get(CONFIGMAPS, 'ns', 'missing'), reason('NotFound'));
});

test('update is compare-and-swap on resourceVersion; spec changes bump generation; status is its own subresource', async () => {
  const fake = new FakeClient();
  const d = await fake.create<Deployment>(DEPLOYMENTS, 'ns', { metadata: { name: 'web' }, spec: { replicas: 1 } });
  const scaled = await fake.update<Deployment>(DEPLOYMENTS, 'ns', { ...d, spec: { replicas: 3 }, status: { replicas: 99 } });
  assert.equal(scaled.metadata?.generation, 2);
  assert.equal(scaled.status, undefined, 'the main resource ignores status');
  await assert.rejects(fake.update(DEPLOYMENTS, 'ns', { ...d, spec: { replicas: 5 } }), reason('Conflict'));
  const withStatus = await fake.updateStatus<Deployment>(DEPLOYMENTS, 'ns', { ...scaled, spec: { replicas: 7 }, status: { replicas: 3 } });
  assert.deepEqual(withStatus.spec, { replicas: 3 }, 'the status subresource ignores spec');
  assert.deepEqual(withStatus.status, { replicas: 3 });
  assert.equal(withStatus.metadata?.generation, 2);
  const patched = await fake.patch<Deployment>(DEPLOYMENTS, 'ns', 'web', 'merge', { spec: { replicas: 4 } });
  assert.equal(patched.metadata?.generation, 3);
  assert.deepEqual(patched.status, { replicas: 3 });
});

test('finalizers hold a deleted object until the last one is removed', async () => {
  const fake = new FakeClient();
  await fake.create(CONFIGMAPS, 'ns', { metadata: { name: 'held', finalizers: ['kite.io/wait'] } });
  const events: string[] = [];
  await fake.watch(CONFIGMAPS, 'ns', { resourceVersion: '1', onEvent: (e) => events.push(`${e.type} ${(e.object as ApiObject).metadata?.deletionTimestamp ? 'deleting' : ''}`.trim()) });
  const marked = (await fake.delete(CONFIGMAPS, 'ns', 'held')) as ApiObject;
  assert.ok(marked.metadata?.deletionTimestamp);
  assert.ok(await fake.get(CONFIGMAPS, 'ns', 'held'));
  await fake.patch(CONFIGMAPS, 'ns', 'held', 'merge', { metadata: { finalizers: null } });
  await assert.rejects(fake.get(CONFIGMAPS, 'ns', 'held'), reason('NotFound'));
  assert.deepEqual(events, ['MODIFIED deleting', 'DELETED deleting']);
});

test('list pages with limit/continue; a continue token from before a compaction is Expired', async () => {
  const fake = new FakeClient();
  for (const name of ['e', 'a', 'c', 'b', 'd']) await fake.create(CONFIGMAPS, 'ns', { metadata: { name } });
  const first = await fake.list(CONFIGMAPS, 'ns', { limit: 2 });
  assert.deepEqual(first.items.map((o) => o.metadata?.name), ['a', 'b']);
  const second = await fake.list(CONFIGMAPS, 'ns', { limit: 2, continue: first.metadata.continue });
  assert.deepEqual(second.items.map((o) => o.metadata?.name), ['c', 'd']);
  assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
  await fake.create(CONFIGMAPS, 'ns', { metadata: { name: 'f' } });
  fake.tracker.compact();
  await assert.rejects(fake.list(CONFIGMAPS, 'ns', { limit: 2, continue: second.metadata.continue }), reason('Expired'));
  assert.equal((await fake.list(CONFIGMAPS, 'ns', { limit: 2, allPages: true })).items.length, 6);
});

test('watch from "0" starts with the current objects; from a compacted version it gets a 410 ERROR event', async () => {
  const fake = new FakeClient();
  await fake.create(CONFIGMAPS, 'ns', { metadata: { name: 'a' } });
  const all: Array<WatchEvent<ApiObject>> = [];
  const w = await fake.watch(CONFIGMAPS, 'ns', { resourceVersion: '0', onEvent: (e) => all.push(e as WatchEvent<ApiObject>) });
  await fake.create(CONFIGMAPS, 'ns', { metadata: { name: 'b' } });
  await fake.create(CONFIGMAPS, 'other', { metadata: { name: 'c' } });
  w.stop();
  assert.deepEqual(all.map((e) => `${e.type} ${(e.object as ApiObject).metadata?.name}`), ['ADDED a', 'ADDED b']);
  fake.tracker.compact();
  const old = await fake.watch(CONFIGMAPS, 'ns', { resourceVersion: '1' });
  const events: Array<WatchEvent<ApiObject>> = [];
  for await (const e of old) events.push(e);
  assert.equal(events[0]?.type, 'ERROR');
  assert.equal(events[0]?.type === 'ERROR' && events[0].object.code, 410);
});

test('pods/binding sets the node; reactors fail calls; every call is recorded', async () => {
  const fake = new FakeClient();
  await fake.create(PODS, 'ns', { metadata: { name: 'p' }, spec: {} });
  await fake.create(PODS, 'ns', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } }, { subresource: 'binding' });
  const pod = await fake.get<ApiObject & { spec: { nodeName?: string } }>(PODS, 'ns', 'p');
  assert.equal(pod.spec.nodeName, 'n1');
  fake.prependReactor((a) => {
    if (a.verb === 'delete') throw new StatusError(500, 'InternalError', 'injected');
    return undefined;
  });
  await assert.rejects(fake.delete(PODS, 'ns', 'p'), reason('InternalError'));
  assert.deepEqual(fake.actions.map((a) => `${a.verb} ${a.resource} ${a.subresource ?? ''}`.trim()), [
    'create /v1/pods',
    'create /v1/pods binding',
    'get /v1/pods',
    'delete /v1/pods',
  ]);
});
