import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../apimachinery/meta.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { buildServedResources } from '../../server/served-resources.js';
import { systemMastersAuthorizer } from '../authz/authorizer.js';
import { systemMastersRules } from '../authz/rule-resolver.js';
import { adminCtx } from '../registry/core/test-helpers.js';
import { type BoundKind, type BoundObjectGetter, currentObject, servedObjectGetter } from './bound-objects.js';

test('servedObjectGetter reads accounts, pods, secrets and nodes from the watch caches', async () => {
  const resources = await buildServedResources(new MemoryStore(), { authorizer: systemMastersAuthorizer, ruleResolver: systemMastersRules });
  try {
    await resources.ready;
    const create = (resource: string, obj: Record<string, unknown>, ns = 'default') => resources.get('', resource).registry.create(adminCtx(ns), obj as unknown as KubeObject);
    await create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, '');
    const sa = await create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } });
    const node = await create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }, '');
    const objects = servedObjectGetter(resources.get);
    // A fresh read sees a write at once; the cache read may lag, never by more than the next event.
    assert.equal((await objects.get('ServiceAccount', 'default', 'robot', true))?.metadata.uid, sa.metadata.uid);
    assert.equal((await objects.get('Node', '', 'n1', true))?.metadata.uid, node.metadata.uid);
    assert.equal((await currentObject(objects, 'ServiceAccount', 'default', 'robot', sa.metadata.uid))?.metadata.uid, sa.metadata.uid);
    assert.equal(await objects.get('Pod', 'default', 'absent', true), null);
    assert.equal(await objects.get('Secret', 'default', 'absent'), null);
  } finally {
    resources.stop();
  }
});

test('currentObject trusts a cache hit with the expected uid and reads fresh otherwise', async () => {
  const reads: boolean[] = [];
  const cached: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'old' } };
  const live: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'new' } };
  const objects: BoundObjectGetter = {
    get: async (_kind: BoundKind, _ns: string, _name: string, fresh = false) => {
      reads.push(fresh);
      return fresh ? live : cached;
    },
  };
  assert.equal(await currentObject(objects, 'Pod', 'default', 'p', 'old'), cached);
  assert.deepEqual(reads, [false]);
  assert.equal(await currentObject(objects, 'Pod', 'default', 'p', 'new'), live);
  assert.deepEqual(reads, [false, false, true]);
});
