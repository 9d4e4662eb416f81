import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClient } from '../../client/fake/fake-client.js';
import { type SharedInformer, newInformer } from '../../client/informer.js';
import { DAEMONSETS, NODES, PODS } from '../../client/resources.js';
import type { ApiObject } from '../../client/types.js';
import { DaemonSetController } from './controller.js';
import { targetNodeName } from './predicates.js';
import type { DaemonSet, Node, Pod } from './types.js';

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const node = (name: string, labels: Record<string, string> = {}, taints: Node['spec'] = {}): Node => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: taints });

const daemonSet = (image: string): DaemonSet => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'kube-system' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image }] } },
  },
});

interface Setup {
  client: FakeClient;
  controller: DaemonSetController;
  events: string[];
  abort: AbortController;
  pods: () => Promise<Pod[]>;
}

/** A fake API, informers, the controller, and a stand-in kubelet that makes every pod Ready. */
async function setup(nodes: Node[]): Promise<Setup> {
  const client = new FakeClient();
  for (const n of nodes) await client.create(NODES, undefined, n);
  const abort = new AbortController();
  const dsInformer = newInformer<DaemonSet>(client, { type: DAEMONSETS });
  const podInformer = newInformer<Pod>(client, { type: PODS });
  const nodeInformer = newInformer<Node>(client, { type: NODES });
  for (const informer of [dsInformer, podInformer, nodeInformer] as SharedInformer<ApiObject>[]) void informer.run(abort.signal);
  const events: string[] = [];
  const recorder = { event: (_obj: unknown, type: string, reason: string, message: string) => void events.push(`${type} ${reason} ${message}`) };
  const controller = new DaemonSetController({ client, dsInformer, podInformer, nodeInformer, recorder });
  void controller.run(abort.signal, 2);
  podInformer.addEventHandler({
    onAdd: (pod) => void markReady(client, pod),
  });
  const pods = async (): Promise<Pod[]> => (await client.list<Pod>(PODS, 'kube-system')).items;
  return { client, controller, events, abort, pods };
}

async function markReady(client: FakeClient, pod: Pod): Promise<void> {
  if (pod.status?.conditions?.some((c) => c.type === 'Ready')) return;
  const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] };
  await client.patch(PODS, pod.metadata?.namespace, pod.metadata?.name ?? '', 'merge', { status }, { subresource: 'status' }).catch(() => undefined);
}

const status = async (client: FakeClient): Promise<DaemonSet['status']> => (await client.get<DaemonSet>(DAEMONSETS, 'kube-system', 'agent')).status;

test('one pod per eligible node, pinned by node affinity, with status counts and events', async () => {
  const s = await setup([node('a'), node('b'), node('c', {}, { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] })]);
  try {
    await s.client.create(DAEMONSETS, 'kube-system', daemonSet('agent:1'));
    await until('two pods', async () => (await s.pods()).length === 2);
    const pods = await s.pods();
    assert.deepEqual(pods.map((p) => targetNodeName(p)).sort(), ['a', 'b']);
    for (const p of pods) {
      assert.equal(p.spec?.nodeName, undefined, 'left to the scheduler');
      assert.equal(p.metadata?.ownerReferences?.[0]?.kind, 'DaemonSet');
      assert.match(p.metadata?.labels?.['controller-revision-hash'] ?? '', /^[a-z0-9]+$/);
      assert.match(p.metadata?.name ?? '', /^agent-/);
    }
    await until('status ready', async () => (await status(s.client))?.numberAvailable === 2);
    const st = (await status(s.client))!;
    assert.equal(st.desiredNumberScheduled, 2);
    assert.equal(st.currentNumberScheduled, 2);
    assert.equal(st.numberReady, 2);
    assert.equal(st.updatedNumberScheduled, 2);
    assert.equal(st.numberMisscheduled, 0);
    assert.equal(st.numberUnavailable, 0);
    assert.equal(st.observedGeneration, 1);
    assert.equal(s.events.filter((e) => e.startsWith('Normal SuccessfulCreate Created pod: agent-')).length, 2);

    // A new node joins: it gets a pod. A node's label change that no longer fits removes its pod.
    await s.client.create(NODES, undefined, node('d'));
    await until('pod on d', async () => (await s.pods()).some((p) => targetNodeName(p) === 'd'));
    const ds = await s.client.get<DaemonSet>(DAEMONSETS, 'kube-system', 'agent');
    ds.spec!.template.spec!.nodeSelector = { role: 'worker' };
    const b = await s.client.get<Node>(NODES, undefined, 'b');
    await s.client.update(NODES, undefined, { ...b, metadata: { ...b.metadata, labels: { role: 'worker' } } });
    await s.client.update(DAEMONSETS, 'kube-system', ds);
    await until('only b keeps a pod', async () => {
      const left = await s.pods();
      return left.length === 1 && targetNodeName(left[0]!) === 'b';
    });
    assert.ok(s.events.some((e) => e.startsWith('Normal SuccessfulDelete Deleted pod: agent-')));
    await until('misscheduled counted away', async () => (await status(s.client))?.desiredNumberScheduled === 1);
  } finally {
    s.abort.abort();
  }
});

test('rolling update replaces pods node by node within maxUnavailable', async () => {
  const s = await setup([node('a'), node('b'), node('c')]);
  try {
    await s.client.create(DAEMONSETS, 'kube-system', daemonSet('agent:1'));
    await until('three ready', async () => (await status(s.client))?.numberAvailable === 3);
    const oldHash = (await s.pods())[0]!.metadata?.labels?.['controller-revision-hash'];
    let maxMissing = 0;
    const watcher = setInterval(() => {
      void s.pods().then((pods) => {
        const live = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        maxMissing = Math.max(maxMissing, 3 - live.length);
      });
    }, 2);
    const ds = await s.client.get<DaemonSet>(DAEMONSETS, 'kube-system', 'agent');
    ds.spec!.template.spec!.containers[0]!.image = 'agent:2';
    await s.client.update(DAEMONSETS, 'kube-system', ds);
    await until('all updated', async () => {
      const st = await status(s.client);
      return st?.updatedNumberScheduled === 3 && st.numberAvailable === 3 && st.observedGeneration === 2;
    });
    clearInterval(watcher);
    const pods = await s.pods();
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.spec?.containers[0]?.image === 'agent:2' && p.metadata?.labels?.['controller-revision-hash'] !== oldHash));
    assert.ok(maxMissing <= 1, `at most one node without a ready pod at a time, saw ${maxMissing}`);
  } finally {
    s.abort.abort();
  }
});
