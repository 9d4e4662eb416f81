import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeWorld } from './fake-world.js';

const names = (world: FakeWorld): string[] => [...world.objects.values()].map((o) => o.metadata!.name!).sort();
const refs = (world: FakeWorld, name: string): string[] => (world.find(name)?.metadata?.ownerReferences ?? []).map((r) => r.name);

describe('garbage collector: background', () => {
  it('deletes the dependents (and theirs) of an owner that is gone', async () => {
    const world = new FakeWorld();
    const owner = world.create('ConfigMap', 'owner');
    const child = world.create('ConfigMap', 'child', { owners: [owner] });
    world.create('ConfigMap', 'grandchild', { owners: [child] });
    world.create('ConfigMap', 'bystander');
    await world.drain();
    assert.deepEqual(names(world), ['bystander', 'child', 'grandchild', 'owner'], 'nothing is collected while owners live');

    world.userDelete('owner', 'Background');
    await world.drain();
    assert.deepEqual(names(world), ['bystander']);
    assert.ok(world.calls.includes('delete ConfigMap/child Background'));
    assert.ok(world.calls.includes('delete ConfigMap/grandchild Background'));
  });

  it('keeps a dependent with another live owner and drops only the dangling reference', async () => {
    const world = new FakeWorld();
    const a = world.create('ConfigMap', 'a');
    const b = world.create('ConfigMap', 'b');
    world.create('ConfigMap', 'shared', { owners: [a, b] });
    world.userDelete('a', 'Background');
    await world.drain();
    assert.deepEqual(names(world), ['b', 'shared']);
    assert.deepEqual(refs(world, 'shared'), ['b']);

    world.userDelete('b', 'Background');
    await world.drain();
    assert.deepEqual(names(world), []);
  });

  it('collects an object whose owner never existed, or exists under another uid', async () => {
    const world = new FakeWorld();
    world.create('ConfigMap', 'orphaned', { owners: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: 'no-such-uid' }] });
    const real = world.create('ConfigMap', 'reborn');
    world.create('ConfigMap', 'stale', { owners: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'reborn', uid: 'old-uid-of-reborn' }] });
    world.create('ConfigMap', 'fine', { owners: [real] });
    await world.drain();
    assert.deepEqual(names(world), ['fine', 'reborn']);
    assert.equal(world.graph.get('no-such-uid'), undefined, 'the virtual owner node is dropped once confirmed absent');
  });

  it('remembers absent owners instead of asking again', async () => {
    const world = new FakeWorld();
    const owner = world.create('ConfigMap', 'owner');
    for (let i = 0; i < 5; i++) world.create('ConfigMap', `dep-${i}`, { owners: [owner] });
    world.userDelete('owner', 'Background');
    world.calls.length = 0;
    await world.drain();
    assert.deepEqual(names(world), []);
    assert.equal(world.calls.filter((c) => c === 'get ConfigMap/owner').length, 0, 'a deleted owner with dependents is cached as absent');
    assert.ok(world.absent.has('default', owner.metadata!.uid!));
  });

  it('does not act on an owner of a kind it cannot map, and reports it by throwing (retry)', async () => {
    const world = new FakeWorld();
    const dep = world.create('ConfigMap', 'dep', { owners: [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'w-uid' }] });
    const node = world.graph.get(dep.metadata!.uid!)!;
    await assert.rejects(world.collector.attemptToDelete(node), /unable to map example.com\/v1, Kind=Widget/);
    assert.ok(world.find('dep'));
  });

  it('treats a namespaced owner of a cluster-scoped object as absent and records an event', async () => {
    const world = new FakeWorld();
    const cm = world.create('ConfigMap', 'cm');
    world.create('ClusterRole', 'role', { owners: [cm] });
    await world.drain();
    assert.equal(world.find('role'), undefined);
    assert.ok(world.events.some((e) => e.startsWith('Warning OwnerRefInvalidNamespace role')));
  });

  it('retries a delete whose resourceVersion precondition failed when the owners did not change', async () => {
    const world = new FakeWorld();
    const owner = world.create('ConfigMap', 'owner');
    world.create('ConfigMap', 'dep', { owners: [owner] });
    world.conflictOnce.add('dep');
    world.userDelete('owner', 'Background');
    await world.drain();
    assert.deepEqual(names(world), []);
    assert.equal(world.calls.filter((c) => c === 'delete ConfigMap/dep Background').length, 2);
  });
});

describe('garbage collector: foreground', () => {
  it('deletes blocking dependents before the owner, then removes the finalizer', async () => {
    const world = new FakeWorld();
    const owner = world.create('ConfigMap', 'owner');
    world.create('ConfigMap', 'dep-1', { owners: [owner], block: true });
    world.create('ConfigMap', 'dep-2', { owners: [owner], block: true });
    world.userDelete('owner', 'Foreground');
    assert.ok(world.find('owner')?.metadata?.finalizers?.includes('foregroundDeletion'));
    await world.drain();
    assert.deepEqual(names(world), []);
    assert.deepEqual(world.removed, ['dep-1', 'dep-2', 'owner']);
  });

  it('goes down a chain: grandchildren, then children, then the owner', async () => {
    const world = new FakeWorld();
    const owner = world.create('Deployment', 'web');
    const rs = world.create('ReplicaSet', 'web-1', { owners: [owner], block: true });
    world.create('Pod', 'web-1-a', { owners: [rs], block: true });
    world.create('Pod', 'web-1-b', { owners: [rs], block: true });
    world.userDelete('web', 'Foreground');
    await world.drain();
    assert.deepEqual(names(world), []);
    assert.equal(world.removed.at(-1), 'web');
    assert.ok(world.removed.indexOf('web-1') > world.removed.indexOf('web-1-a'));
    assert.ok(world.removed.indexOf('web-1') > world.removed.indexOf('web-1-b'));
    assert.ok(world.calls.includes('delete ReplicaSet/web-1 Foreground'), 'a dependent with dependents of its own goes in the foreground');
  });

  it('finishes at once for an owner without dependents', async () => {
    const world = new FakeWorld();
    world.create('ConfigMap', 'lonely');
    world.userDelete('lonely', 'Foreground');
    await world.drain();
    assert.deepEqual(world.removed, ['lonely']);
  });

  it('keeps a dependent that has another live owner, dropping the reference to the owner going away', async () => {
    const world = new FakeWorld();
    const a = world.create('ConfigMap', 'a');
    const b = world.create('ConfigMap', 'b');
    world.create('ConfigMap', 'shared', { owners: [a, b], block: true });
    world.userDelete('a', 'Foreground');
    await world.drain();
    assert.deepEqual(names(world), ['b', 'shared']);
    assert.deepEqual(refs(world, 'shared'), ['b']);
  });

  it('does not wait for dependents without blockOwnerDeletion, but still deletes them', async () => {
    const world = new FakeWorld();
    const owner = world.create('ConfigMap', 'owner');
    world.create('ConfigMap', 'loose', { owners: [owner] });
    world.userDelete('owner', 'Foreground');
    await world.drain();
    assert.deepEqual(names(world), []);
  });
});

describe('garbage collector: orphan', () => {
  it('removes the owner reference from every dependent, then lets the owner go', async () => {
    const world = new FakeWorld();
    const owner = world.create('ConfigMap', 'owner');
    const other = world.create('ConfigMap', 'other');
    world.create('ConfigMap', 'dep-1', { owners: [owner] });
    world.create('ConfigMap', 'dep-2', { owners: [owner, other] });
    world.userDelete('owner', 'Orphan');
    assert.ok(world.find('owner')?.metadata?.finalizers?.includes('orphan'));
    await world.drain();
    assert.deepEqual(names(world), ['dep-1', 'dep-2', 'other']);
    assert.equal(world.find('dep-1')?.metadata?.ownerReferences, undefined);
    assert.deepEqual(refs(world, 'dep-2'), ['other']);
    assert.deepEqual(world.removed, ['owner']);
  });

  it('keeps other finalizers of the owner', async () => {
    const world = new FakeWorld();
    const owner = world.create('ConfigMap', 'owner', { finalizers: ['example.com/keep'] });
    world.create('ConfigMap', 'dep', { owners: [owner] });
    world.userDelete('owner', 'Orphan');
    await world.drain();
    assert.deepEqual(world.find('owner')?.metadata?.finalizers, ['example.com/keep']);
    assert.equal(world.find('dep')?.metadata?.ownerReferences, undefined);
  });
});
