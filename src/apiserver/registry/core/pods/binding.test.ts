import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../../../apimachinery/errors.js';
import { subresourceHandlers } from '../../../handlers/resource.js';
import { adminCtx, fakeHandlerContext, memoryRegistry } from '../test-helpers.js';
import { handleBinding, handleEviction, registerPodSubresources } from './binding.js';
import { podGracePeriod, pods } from './storage.js';
import type { Pod } from './types.js';

const newPod = (name = 'web'): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'a', image: 'x' }] } }) as Pod;
const binding = (node: string, name = 'web') => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } });

test('registerPodSubresources installs binding and eviction', () => {
  registerPodSubresources();
  assert.equal(subresourceHandlers.get('pods/binding'), handleBinding);
  assert.equal(subresourceHandlers.get('pods/eviction'), handleEviction);
});

test('binding sets spec.nodeName and PodScheduled once; a second binding is a 409', async () => {
  const { registry } = memoryRegistry(pods);
  await registry.create(adminCtx(), newPod());
  const first = fakeHandlerContext(registry, 'POST', '/api/v1/namespaces/default/pods/web/binding', binding('node-1'));
  await handleBinding(first.ctx);
  assert.equal(first.response.status, 201);
  assert.deepEqual(first.response.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  const bound = (await registry.get('default', 'web')) as Pod;
  assert.equal(bound.spec!.nodeName, 'node-1');
  assert.equal(bound.status!.phase, 'Pending');
  assert.equal(bound.status!.conditions!.find((c) => c.type === 'PodScheduled')?.status, 'True');

  const second = fakeHandlerContext(registry, 'POST', '/api/v1/namespaces/default/pods/web/binding', binding('node-2'));
  const err = (await handleBinding(second.ctx).catch((e: StatusError) => e)) as StatusError;
  assert.equal(err.status.code, 409);
  assert.equal(err.status.reason, 'Conflict');
  assert.equal(err.status.message, 'Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "node-1"');
});

test('binding validation and name checks', async () => {
  const { registry } = memoryRegistry(pods);
  await registry.create(adminCtx(), newPod());
  const noTarget = fakeHandlerContext(registry, 'POST', '/api/v1/namespaces/default/pods/web/binding', { metadata: { name: 'web' }, target: { kind: 'Pod' } });
  const invalid = (await handleBinding(noTarget.ctx).catch((e: StatusError) => e)) as StatusError;
  assert.equal(invalid.status.code, 422);
  assert.match(invalid.status.message ?? '', /target\.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"/);
  assert.match(invalid.status.message ?? '', /target\.name: Required value/);
  const mismatch = fakeHandlerContext(registry, 'POST', '/api/v1/namespaces/default/pods/web/binding', binding('n', 'other'));
  const bad = (await handleBinding(mismatch.ctx).catch((e: StatusError) => e)) as StatusError;
  assert.equal(bad.status.code, 400);
  assert.equal(bad.status.message, 'name in URL does not match name in Binding object');
  const missing = fakeHandlerContext(registry, 'POST', '/api/v1/namespaces/default/pods/nope/binding', binding('n', 'nope'));
  const notFound = (await handleBinding(missing.ctx).catch((e: StatusError) => e)) as StatusError;
  assert.equal(notFound.status.code, 404);
});

test('eviction deletes an unbound pod at once and a bound one gracefully', async () => {
  const { registry } = memoryRegistry(pods);
  await registry.create(adminCtx(), newPod('a'));
  const evict = (name: string) => fakeHandlerContext(registry, 'POST', `/api/v1/namespaces/default/pods/${name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name } }, { gracePeriod: podGracePeriod });
  const first = evict('a');
  await handleEviction(first.ctx);
  assert.equal(first.response.status, 201);
  await assert.rejects(registry.get('default', 'a'), (e: StatusError) => e.status.code === 404);

  await registry.create(adminCtx(), newPod('b'));
  await handleBinding(fakeHandlerContext(registry, 'POST', '/api/v1/namespaces/default/pods/b/binding', binding('n1', 'b')).ctx);
  await handleEviction(evict('b').ctx);
  const terminating = (await registry.get('default', 'b')) as Pod;
  assert.ok(terminating.metadata.deletionTimestamp);
  assert.equal(terminating.metadata.deletionGracePeriodSeconds, 30);
});
