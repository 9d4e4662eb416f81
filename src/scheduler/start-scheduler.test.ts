// startScheduler end to end over the in-memory fake client: informers in, bindings, status
// patches and events out.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClient } from '../client/fake/fake-client.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import { EVENTS, NODES, PODS } from '../client/resources.js';
import { startScheduler } from './scheduler.js';
import { makeNode, makePod } from './testing.js';
import type { Pod } from './types.js';

const strip = <T extends { metadata?: object }>(obj: T): T => {
  const { uid: _uid, ...metadata } = obj.metadata as { uid?: string };
  return { ...obj, metadata };
};

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('startScheduler', () => {
  it('binds pods seen by the informers and reports the one that fits nowhere until a node appears', async () => {
    const client = new FakeClient();
    for (const name of ['a', 'b', 'c']) await client.create(NODES, undefined, strip(makeNode(name, { cpu: '2' })));
    for (let i = 0; i < 6; i++) await client.create(PODS, 'default', strip(makePod(`web-${i}`, { cpu: '500m', owner: { name: 'web', uid: 'rs-web' } })));
    await client.create(PODS, 'default', strip(makePod('big', { cpu: '4' })));
    await client.create(PODS, 'default', strip(makePod('elsewhere', { schedulerName: 'other' })));

    const ac = new AbortController();
    const factory = new SharedInformerFactory(client);
    const { scheduler, done } = startScheduler({
      client,
      informerFactory: factory,
      signal: ac.signal,
      queue: { initialBackoffMs: 20, maxBackoffMs: 40, backoffFlushIntervalMs: 10 },
    });
    try {
      const pod = (name: string) => client.get<Pod>(PODS, 'default', name);
      const placed = await waitFor('six web pods bound', async () => {
        const nodes = await Promise.all([0, 1, 2, 3, 4, 5].map(async (i) => (await pod(`web-${i}`)).spec?.nodeName));
        return nodes.every(Boolean) ? nodes : undefined;
      });
      const perNode = new Map<string, number>();
      for (const n of placed) perNode.set(n!, (perNode.get(n!) ?? 0) + 1);
      assert.deepEqual([...perNode.values()], [2, 2, 2], 'two replicas per node');

      const condition = await waitFor('PodScheduled=False on big', async () => (await pod('big')).status?.conditions?.find((c) => c.type === 'PodScheduled'));
      assert.equal(condition.status, 'False');
      assert.equal(condition.reason, 'Unschedulable');
      assert.equal(condition.message, '0/3 nodes are available: 3 Insufficient cpu.');
      const events = await waitFor('events', async () => {
        const list = await client.list<{ reason: string; message: string; involvedObject: { name: string } }>(EVENTS, 'default');
        return list.items.length >= 7 ? list.items : undefined;
      });
      assert.deepEqual(
        events.filter((e) => e.involvedObject.name === 'big').map((e) => `${e.reason}: ${e.message}`),
        ['FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu.'],
      );
      assert.ok(events.some((e) => e.reason === 'Scheduled' && e.message === `Successfully assigned default/web-0 to ${placed[0]}`));

      await client.create(NODES, undefined, strip(makeNode('large', { cpu: '8' })));
      const bigNode = await waitFor('big bound', async () => (await pod('big')).spec?.nodeName);
      assert.equal(bigNode, 'large');
      assert.equal((await pod('elsewhere')).spec?.nodeName, undefined, 'pods of other schedulers are left alone');
      assert.equal(scheduler.snapshot.numPods, 7);
      assert.ok(!scheduler.snapshot.isAssumed((await pod('big')).metadata!.uid!), 'the informer confirmed the binding');
    } finally {
      ac.abort();
      await done;
      await factory.stopped();
    }
  });
});
