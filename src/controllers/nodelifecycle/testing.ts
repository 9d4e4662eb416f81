// Shared pieces of the node lifecycle tests: a fake API with running informers, a recorder that
// keeps events as strings, and a deadline-bounded wait for the caches to catch up.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition, Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { indexByNodeName } from '../../client/indexer.js';
import { type SharedInformer, newInformer } from '../../client/informer.js';
import { LEASES, NODES, PODS } from '../../client/resources.js';
import type { ApiObject } from '../../client/types.js';
import { NODE_NAME_INDEX } from './controller.js';

export interface World {
  client: FakeClient;
  nodes: SharedInformer<Node>;
  leases: SharedInformer<Lease>;
  pods: SharedInformer<Pod>;
  events: string[];
  recorder: { event(obj: ApiObject | { name?: string }, type: string, reason: string, message: string): void };
  abort: AbortController;
}

export async function startWorld(): Promise<World> {
  const client = new FakeClient();
  const nodes = newInformer<Node>(client, { type: NODES });
  const leases = newInformer<Lease>(client, { type: LEASES });
  const pods = newInformer<Pod>(client, { type: PODS, indexers: { [NODE_NAME_INDEX]: indexByNodeName } });
  const abort = new AbortController();
  for (const informer of [nodes, leases, pods] as SharedInformer<ApiObject>[]) void informer.run(abort.signal);
  await Promise.all([nodes.waitForSync(), leases.waitForSync(), pods.waitForSync()]);
  const events: string[] = [];
  const recorder = {
    event: (obj: ApiObject | { name?: string }, type: string, reason: string, message: string): void => {
      const name = 'metadata' in obj && obj.metadata ? obj.metadata.name : (obj as { name?: string }).name;
      events.push(`${type} ${reason} ${name}: ${message}`);
    },
  };
  return { client, nodes, leases, pods, events, recorder, abort };
}

export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const readyNode = (name: string, heartbeat = '2024-01-01T00:00:00Z', taints?: Taint[]): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  spec: taints ? { taints } : {},
  status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: heartbeat, lastTransitionTime: heartbeat } satisfies NodeCondition] },
});

export const runningPod = (name: string, nodeName: string, tolerations?: Toleration[]): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }], ...(tolerations ? { tolerations } : {}) },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
});
