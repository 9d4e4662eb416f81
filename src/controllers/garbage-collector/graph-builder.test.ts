import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OwnerReference } from '../../apimachinery/meta.js';
import type { ApiObject } from '../../client/types.js';
import { AbsentOwnerCache } from './absent-owner-cache.js';
import { GraphBuilder } from './graph-builder.js';
import { DependencyGraph } from './graph.js';

const cm = (name: string, extra: { owners?: OwnerReference[]; finalizers?: string[]; deleting?: boolean; rv?: string } = {}): ApiObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    resourceVersion: extra.rv ?? '1',
    ...(extra.owners ? { ownerReferences: extra.owners } : {}),
    ...(extra.finalizers ? { finalizers: extra.finalizers } : {}),
    ...(extra.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
  },
});
const ref = (name: string, block = false): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid: `uid-${name}`, ...(block ? { blockOwnerDeletion: true } : {}) });

function setup(): { builder: GraphBuilder; graph: DependencyGraph; absent: AbsentOwnerCache; toDelete: string[]; toOrphan: string[] } {
  const graph = new DependencyGraph();
  const absent = new AbsentOwnerCache();
  const toDelete: string[] = [];
  const toOrphan: string[] = [];
  const builder = new GraphBuilder(graph, absent, {
    attemptToDelete: (n) => toDelete.push(n.identity.name),
    attemptToOrphan: (n) => toOrphan.push(n.identity.name),
  });
  return { builder, graph, absent, toDelete, toOrphan };
}

describe('GraphBuilder', () => {
  it('creates a virtual node for an owner not seen yet and asks for it to be checked', () => {
    const { builder, graph, toDelete } = setup();
    builder.observe(cm('dep', { owners: [ref('owner')] }));
    const owner = graph.get('uid-owner')!;
    assert.equal(owner.observed, false);
    assert.deepEqual([...owner.dependents].map((d) => d.identity.name), ['dep']);
    assert.deepEqual(toDelete, ['owner']);

    builder.observe(cm('owner'));
    assert.equal(graph.get('uid-owner'), owner, 'the virtual node becomes the observed one');
    assert.equal(owner.observed, true);
    assert.deepEqual(toDelete, ['owner'], 'same coordinates: dependents need no re-check');
  });

  it('re-checks dependents when an owner turns out to have other coordinates than they named', () => {
    const { builder, toDelete } = setup();
    builder.observe(cm('dep', { owners: [{ ...ref('owner'), name: 'wrong-name' }] }));
    builder.observe(cm('owner'));
    assert.deepEqual(toDelete, ['wrong-name', 'dep']);
  });

  it('on deletion enqueues the dependents and caches the owner as absent', () => {
    const { builder, graph, absent, toDelete } = setup();
    builder.observe(cm('owner'));
    builder.observe(cm('a', { owners: [ref('owner')] }));
    builder.observe(cm('b', { owners: [ref('owner')] }));
    builder.observeDeleted(cm('owner'));
    assert.equal(graph.get('uid-owner'), undefined);
    assert.deepEqual(toDelete.sort(), ['a', 'b']);
    assert.ok(absent.has('default', 'uid-owner'));
  });

  it('follows owner reference changes', () => {
    const { builder, graph } = setup();
    builder.observe(cm('x'));
    builder.observe(cm('y'));
    builder.observe(cm('dep', { owners: [ref('x')] }));
    builder.observe(cm('dep', { owners: [ref('y')], rv: '2' }));
    assert.equal(graph.get('uid-x')!.dependents.size, 0);
    assert.equal(graph.get('uid-y')!.dependents.size, 1);
  });

  it('a foreground deletion enqueues every dependent and the owner itself, once', () => {
    const { builder, graph, toDelete } = setup();
    builder.observe(cm('owner'));
    builder.observe(cm('a', { owners: [ref('owner', true)] }));
    builder.observe(cm('b', { owners: [ref('owner')] }));
    const deleting = cm('owner', { deleting: true, finalizers: ['foregroundDeletion'], rv: '2' });
    builder.observe(deleting);
    assert.equal(graph.get('uid-owner')!.deletingDependents, true);
    assert.deepEqual(toDelete.sort(), ['a', 'b', 'owner']);
    builder.observe({ ...deleting, metadata: { ...deleting.metadata, resourceVersion: '3' } });
    assert.equal(toDelete.length, 3);
    assert.deepEqual(graph.get('uid-owner')!.blockingDependents().map((d) => d.identity.name), ['a']);
  });

  it('an owner waiting in the foreground is looked at again when a blocking dependent goes or unblocks', () => {
    const { builder, toDelete } = setup();
    builder.observe(cm('owner', { deleting: true, finalizers: ['foregroundDeletion'] }));
    builder.observe(cm('a', { owners: [ref('owner', true)] }));
    builder.observe(cm('b', { owners: [ref('owner', true)] }));
    toDelete.length = 0;
    builder.observeDeleted(cm('a'));
    assert.deepEqual(toDelete, ['owner']);
    builder.observe(cm('b', { owners: [ref('owner', false)], rv: '2' }));
    assert.deepEqual(toDelete, ['owner', 'owner']);
  });

  it('an orphan deletion asks for orphaning once', () => {
    const { builder, toOrphan } = setup();
    builder.observe(cm('owner'));
    builder.observe(cm('owner', { deleting: true, finalizers: ['orphan'], rv: '2' }));
    builder.observe(cm('owner', { deleting: true, finalizers: ['orphan'], rv: '3' }));
    assert.deepEqual(toOrphan, ['owner']);
  });

  it('a virtual delete removes a virtual node but keeps an observed one', () => {
    const { builder, graph, toDelete } = setup();
    builder.observe(cm('dep', { owners: [ref('ghost')] }));
    builder.observe(cm('real'));
    builder.observe(cm('dep2', { owners: [ref('real')] }));
    toDelete.length = 0;
    builder.virtualDelete(graph.get('uid-ghost')!.identity);
    assert.equal(graph.get('uid-ghost'), undefined);
    builder.virtualDelete(graph.get('uid-real')!.identity);
    assert.ok(graph.get('uid-real'));
    assert.deepEqual(toDelete, ['dep', 'dep2']);
  });
});

describe('AbsentOwnerCache', () => {
  it('is bounded, evicting the least recently used', () => {
    const cache = new AbsentOwnerCache(2);
    cache.add('ns', 'a');
    cache.add('ns', 'b');
    assert.ok(cache.has('ns', 'a'));
    cache.add('ns', 'c');
    assert.ok(cache.has('ns', 'a'));
    assert.equal(cache.has('ns', 'b'), false);
    assert.equal(cache.has('other', 'a'), false, 'keyed by the namespace looked in');
  });
});
