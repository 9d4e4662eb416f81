// Simulated nodes (like kwok): N Nodes registered through the API, kept alive by lease and
// status heartbeats, with pods bound to them reported Running — no containers anywhere. A test
// tool for the scheduler and controllers at scale (500 nodes, 10,000 pods). See docs/sim-nodes.md.
import { bulkhead } from 'cockatiel';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { type Clock, realClock } from '../client/clock.js';
import { isAlreadyExists, isNotFound } from '../client/errors.js';
import { indexByNodeName } from '../client/indexer.js';
import { newInformer } from '../client/informer.js';
import { LEASES, NODES, PODS } from '../client/resources.js';
import type { Client } from '../client/types.js';
import { DEFAULT_TIMING, type HeartbeatTiming, Heartbeats, NODE_LEASE_NAMESPACE } from './heartbeats.js';
import { PodIPPool } from './ip-pool.js';
import { DEFAULT_SHAPE, type SimNodeShape, healthyConditions, nodeIPFor, podCIDRFor, simNodeObject } from './node-template.js';
import { type AgentNode, PodAgent } from './pod-agent.js';

export interface SimNodesOptions extends Partial<HeartbeatTiming> {
  count: number;
  /** Nodes are named prefix + index: "sim-0", "sim-1", ...; default "sim-". */
  namePrefix?: string;
  /** Index of the first node (its name, node IP and pod CIDR); run several sims side by side with distinct ranges. */
  startIndex?: number;
  shape?: Partial<SimNodeShape>;
  /** Between a pod's deletionTimestamp and its removal; default 1 s. */
  terminationDelayMs?: number;
  /** Pod status workers; default 32. */
  podWorkers?: number;
  /** Concurrent registration and heartbeat requests; default 16. */
  apiConcurrency?: number;
  /** How often heartbeats are checked for being due; default 1 s. */
  tickMs?: number;
  clock?: Clock;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface StopHeartbeatOptions {
  /** Keep removing pods marked for deletion while silent (default true); false acts like a dead kubelet. */
  confirmDeletions?: boolean;
}

export interface SimNodes {
  readonly nodeNames: readonly string[];
  /** The node stops renewing its lease, posting its status and reporting pods, until resumed. */
  stopHeartbeats(nodeName: string, opts?: StopHeartbeatOptions): void;
  resumeHeartbeats(nodeName: string): void;
  heartbeatsStopped(nodeName: string): boolean;
  /** Stops everything; with deleteNodes the Nodes and their Leases are removed too. */
  stop(opts?: { deleteNodes?: boolean }): Promise<void>;
}

/** Registers the nodes and starts their heartbeats and pod agent; resolves once all are running. */
export async function startSimNodes(client: Client, opts: SimNodesOptions): Promise<SimNodes> {
  const clock = opts.clock ?? realClock;
  const log = opts.log ?? (() => {});
  const shape: SimNodeShape = { ...DEFAULT_SHAPE, ...opts.shape };
  const limiter = bulkhead(opts.apiConcurrency ?? 16, Infinity);
  const start = opts.startIndex ?? 0;
  const names = Array.from({ length: opts.count }, (_, i) => `${opts.namePrefix ?? 'sim-'}${start + i}`);

  const registered = await Promise.all(names.map((name, i) => limiter.execute(() => registerNode(client, name, start + i, shape, clock))));

  const abort = new AbortController();
  const nodeInformer = newInformer<Node>(client, { type: NODES, clock, log });
  const podInformer = newInformer<Pod>(client, { type: PODS, clock, log, indexers: { nodeName: indexByNodeName } });
  const heartbeats = new Heartbeats({ client, clock, limiter, getNode: (name) => nodeInformer.indexer.get(name), log }, pickTiming(opts));
  const confirm = new Map<string, boolean>();
  const agentNodes = new Map<string, AgentNode>();
  for (const { node, index } of registered) {
    const name = node.metadata!.name!;
    agentNodes.set(name, {
      name,
      hostIP: node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? nodeIPFor(index),
      pool: new PodIPPool(usablePodCIDR(node, index)),
      silent: () => heartbeats.isStopped(name),
      confirmDeletions: () => confirm.get(name) ?? true,
    });
    heartbeats.add(name, node.metadata!.uid ?? '');
  }
  const agent = new PodAgent({ client, clock, informer: podInformer, nodes: agentNodes, terminationDelayMs: opts.terminationDelayMs, workers: opts.podWorkers, log });

  const runs = [nodeInformer.run(abort.signal), podInformer.run(abort.signal)];
  if (!(await nodeInformer.waitForSync(abort.signal)) || !(await podInformer.waitForSync(abort.signal))) throw new Error('sim nodes: informers did not sync');
  runs.push(heartbeats.run(abort.signal, opts.tickMs ?? 1000), agent.run(abort.signal));
  log('sim nodes running', { count: names.length, first: names[0], last: names[names.length - 1] });

  return {
    nodeNames: names,
    stopHeartbeats: (name, stopOpts = {}) => {
      heartbeats.stop(name);
      confirm.set(name, stopOpts.confirmDeletions ?? true);
    },
    resumeHeartbeats: (name) => {
      heartbeats.resume(name);
      confirm.delete(name);
      agent.resync(name);
    },
    heartbeatsStopped: (name) => heartbeats.isStopped(name),
    stop: async (stopOpts = {}) => {
      abort.abort();
      await Promise.allSettled(runs);
      if (stopOpts.deleteNodes) await Promise.all(names.map((name) => limiter.execute(() => deleteNode(client, name))));
    },
  };
}

function pickTiming(opts: SimNodesOptions): Partial<HeartbeatTiming> {
  const out: Partial<HeartbeatTiming> = {};
  for (const key of Object.keys(DEFAULT_TIMING) as (keyof HeartbeatTiming)[]) if (opts[key] !== undefined) out[key] = opts[key];
  return out;
}

/** Creates the Node, or takes over an existing one (a restarted sim): labels merged, status re-posted. */
async function registerNode(client: Client, name: string, index: number, shape: SimNodeShape, clock: Clock): Promise<{ node: Node; index: number }> {
  const desired = simNodeObject(name, index, shape, clock.now());
  try {
    return { node: await client.create<Node>(NODES, undefined, desired), index };
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  const existing = await client.get<Node>(NODES, undefined, name);
  await client.patch(NODES, undefined, name, 'merge', { metadata: { labels: desired.metadata!.labels, annotations: desired.metadata!.annotations } });
  const status = { ...desired.status, conditions: healthyConditions(clock.now(), existing.status?.conditions) };
  const node = await client.patch<Node>(NODES, undefined, name, 'strategic', { status }, { subresource: 'status' });
  return { node, index };
}

/** The node's own pod CIDR when it is one the sim can hand out (a /24), else the one derived from its index. */
function usablePodCIDR(node: Node, index: number): string {
  const cidr = node.spec?.podCIDR;
  return cidr && /^\d+\.\d+\.\d+\.0\/24$/.test(cidr) ? cidr : podCIDRFor(index);
}

async function deleteNode(client: Client, name: string): Promise<void> {
  for (const [type, ns] of [[LEASES, NODE_LEASE_NAMESPACE], [NODES, undefined]] as const) {
    try {
      await client.delete(type, ns, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
