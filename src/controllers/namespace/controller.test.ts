import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { internal, notFound } from '../../apimachinery/errors.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { SharedInformerFactory } from '../../client/informer-factory.js';
import { CONFIGMAPS, NAMESPACES, PODS, SECRETS } from '../../client/resources.js';
import type { ApiObject } from '../../client/types.js';
import type { DiscoveredResource } from '../garbage-collector/discovery.js';
import { conditionsFor, mergeConditions } from './conditions.js';
import { ContentRemainingError, type Namespace, NamespaceController } from './controller.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const discovered: DiscoveredResource[] = [
  { ...CONFIGMAPS, kind: 'ConfigMap', verbs: VERBS },
  { ...SECRETS, kind: 'Secret', verbs: ['create', 'delete', 'get', 'list'] }, // no deletecollection: one delete per object
  { ...PODS, kind: 'Pod', verbs: VERBS },
  { ...NAMESPACES, kind: 'Namespace', verbs: VERBS }, // cluster-scoped: never emptied
];

const stops: AbortController[] = [];
after(() => stops.forEach((s) => s.abort()));

interface Setup {
  client: FakeClient;
  controller: NamespaceController;
  statusWrites: Namespace[];
  finalizeWrites: Namespace[];
  plainWrites: Namespace[];
}

async function setup(opts: { finalizeMissing?: boolean } = {}): Promise<Setup> {
  const client = new FakeClient();
  const statusWrites: Namespace[] = [];
  const finalizeWrites: Namespace[] = [];
  const plainWrites: Namespace[] = [];
  // Namespace writes are answered here: the fake does not know namespaces' deletion hold.
  client.prependReactor((action) => {
    if (action.verb !== 'update' || action.resource !== '/v1/namespaces') return undefined;
    const ns = action.object as Namespace;
    if (action.subresource === 'status') statusWrites.push(ns);
    else if (action.subresource === 'finalize') {
      if (opts.finalizeMissing) throw notFound({ group: '', resource: 'namespaces/finalize' }, action.name ?? '');
      finalizeWrites.push(ns);
    } else plainWrites.push(ns);
    return ns;
  });
  const ns = (name: string, deleting: boolean): Namespace => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, ...(deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: deleting ? 'Terminating' : 'Active' },
  });
  await client.create(NAMESPACES, undefined, ns('doomed', true));
  await client.create(NAMESPACES, undefined, ns('kept', false));
  for (const namespace of ['doomed', 'kept']) {
    await client.create(CONFIGMAPS, namespace, { metadata: { name: 'a' } });
    await client.create(CONFIGMAPS, namespace, { metadata: { name: 'b' } });
    await client.create(SECRETS, namespace, { metadata: { name: 's' } });
  }
  const factory = new SharedInformerFactory(client);
  const lister = factory.listerFor<Namespace>(NAMESPACES);
  const stop = new AbortController();
  stops.push(stop);
  factory.start(stop.signal);
  await factory.waitForCacheSync(stop.signal);
  const controller = new NamespaceController(client, lister, { discover: async () => discovered, now: () => Date.parse('2025-01-01T00:00:10Z') });
  return { client, controller, statusWrites, finalizeWrites, plainWrites };
}

const names = async (client: FakeClient, type: typeof CONFIGMAPS, namespace: string): Promise<string[]> =>
  (await client.list(type, namespace)).items.map((o: ApiObject) => o.metadata?.name ?? '').sort();

const condition = (ns: Namespace | undefined, type: string) => ns?.status?.conditions?.find((c) => c.type === type);

describe('NamespaceController', () => {
  it('empties a terminating namespace, records its conditions, then finalizes it', async () => {
    const { client, controller, statusWrites, finalizeWrites } = await setup();
    await controller.sync('doomed');
    assert.deepEqual(await names(client, CONFIGMAPS, 'doomed'), []);
    assert.deepEqual(await names(client, SECRETS, 'doomed'), []);
    assert.deepEqual(await names(client, CONFIGMAPS, 'kept'), ['a', 'b'], 'other namespaces are untouched');
    const dc = client.actions.find((a) => a.verb === 'deletecollection' && a.resource === '/v1/configmaps');
    assert.equal(dc?.namespace, 'doomed');
    assert.ok(client.actions.some((a) => a.verb === 'delete' && a.resource === '/v1/secrets' && a.name === 's'), 'no deletecollection verb: deleted one by one');

    const status = statusWrites.at(-1);
    assert.equal(condition(status, 'NamespaceDeletionContentFailure')?.reason, 'ContentDeleted');
    assert.equal(condition(status, 'NamespaceContentRemaining')?.status, 'False');
    assert.equal(condition(status, 'NamespaceDeletionDiscoveryFailure')?.message, 'All resources successfully discovered');
    assert.equal(finalizeWrites.length, 1);
    assert.deepEqual(finalizeWrites[0]!.spec?.finalizers, []);
  });

  it('waits (and says why) while content with finalizers remains', async () => {
    const { client, controller, statusWrites, finalizeWrites } = await setup();
    await client.create(CONFIGMAPS, 'doomed', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await assert.rejects(controller.sync('doomed'), (err: unknown) => err instanceof ContentRemainingError && err.delayMs === 1000);
    assert.equal(finalizeWrites.length, 0);
    const status = statusWrites.at(-1);
    assert.equal(condition(status, 'NamespaceContentRemaining')?.message, 'Some resources are remaining: configmaps. has 1 resource instances');
    assert.equal(condition(status, 'NamespaceFinalizersRemaining')?.message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');

    await client.patch(CONFIGMAPS, 'doomed', 'held', 'merge', { metadata: { finalizers: null } });
    await controller.sync('doomed');
    assert.equal(finalizeWrites.length, 1);
  });

  it('reports a failed deletion in NamespaceDeletionContentFailure and retries', async () => {
    const { client, controller, statusWrites, finalizeWrites } = await setup();
    client.prependReactor((a) => {
      if (a.verb === 'deletecollection' && a.resource === '/v1/configmaps') throw internal('etcd is on fire');
      return undefined;
    });
    await assert.rejects(controller.sync('doomed'), /configmaps\.: Internal error occurred: etcd is on fire/);
    const failure = condition(statusWrites.at(-1), 'NamespaceDeletionContentFailure');
    assert.equal(failure?.status, 'True');
    assert.equal(failure?.reason, 'ContentDeletionFailed');
    assert.match(failure?.message ?? '', /^Failed to delete all resource types, 1 remaining: configmaps\.: Internal error occurred: etcd is on fire/);
    assert.equal(finalizeWrites.length, 0);
  });

  it('leaves namespaces that are not being deleted alone', async () => {
    const { client, controller } = await setup();
    const before = client.actions.length;
    await controller.sync('kept');
    await controller.sync('missing');
    assert.deepEqual(client.actions.slice(before).map((a) => a.verb), ['get']);
  });

  it('falls back to a plain update where namespaces/finalize is not served', async () => {
    const { controller, plainWrites } = await setup({ finalizeMissing: true });
    await controller.sync('doomed');
    assert.equal(plainWrites.length, 1);
    assert.deepEqual(plainWrites[0]!.spec?.finalizers, []);
  });
});

describe('namespace conditions', () => {
  it('keeps the transition time of a condition whose status did not change', () => {
    const first = mergeConditions([], conditionsFor({ discoveryErrors: [], deleteErrors: [], remainingByResource: new Map([['pods.', 2]]), remainingByFinalizer: new Map() }), 'T1')!;
    assert.equal(first.length, 5);
    const second = mergeConditions(first, conditionsFor({ discoveryErrors: [], deleteErrors: [], remainingByResource: new Map([['pods.', 1]]), remainingByFinalizer: new Map() }), 'T2')!;
    const remaining = second.find((c) => c.type === 'NamespaceContentRemaining')!;
    assert.equal(remaining.message, 'Some resources are remaining: pods. has 1 resource instances');
    assert.equal(remaining.lastTransitionTime, 'T1');
    const third = mergeConditions(second, conditionsFor({ discoveryErrors: [], deleteErrors: [], remainingByResource: new Map(), remainingByFinalizer: new Map() }), 'T3')!;
    assert.equal(third.find((c) => c.type === 'NamespaceContentRemaining')!.lastTransitionTime, 'T3');
    assert.equal(mergeConditions(third, conditionsFor({ discoveryErrors: [], deleteErrors: [], remainingByResource: new Map(), remainingByFinalizer: new Map() }), 'T4'), undefined);
  });
});
