// Builders for nodes and pods in tests and benchmarks.
import { type FilterFailure, type FilterPlugin, type ScorePlugin, Snapshot } from './framework.js';
import { newPodInfo } from './pod-info.js';
import type { Container, Node, Pod, Taint, Toleration } from './types.js';

export interface NodeSpec {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  extra?: Record<string, string>;
}

export function makeNode(name: string, spec: NodeSpec = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-node-${name}`, labels: { 'kubernetes.io/hostname': name, ...spec.labels } },
    spec: { ...(spec.taints ? { taints: spec.taints } : {}), ...(spec.unschedulable ? { unschedulable: true } : {}) },
    status: {
      allocatable: { cpu: spec.cpu ?? '4', memory: spec.memory ?? '8Gi', pods: spec.pods ?? '110', ...spec.extra },
      capacity: { cpu: spec.cpu ?? '4', memory: spec.memory ?? '8Gi', pods: spec.pods ?? '110', ...spec.extra },
    },
  };
}

export interface PodSpecOptions {
  namespace?: string;
  cpu?: string;
  memory?: string;
  /** Extra containers, init containers or overhead as given. */
  containers?: Container[];
  initContainers?: Container[];
  overhead?: Record<string, string>;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  hostPorts?: number[];
  /** A controller owner: spread with its other pods. */
  owner?: { kind?: string; name: string; uid: string };
  labels?: Record<string, string>;
  priority?: number;
  affinity?: NonNullable<Pod['spec']>['affinity'];
  schedulerName?: string;
}

export function makePod(name: string, o: PodSpecOptions = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const main: Container = {
    name: 'main',
    image: 'nginx',
    ...(o.cpu || o.memory ? { resources: { requests } } : {}),
    ...(o.hostPorts ? { ports: o.hostPorts.map((p) => ({ containerPort: p, hostPort: p })) } : {}),
  };
  const namespace = o.namespace ?? 'default';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid: `uid-${namespace}-${name}`,
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.owner.kind ?? 'ReplicaSet', name: o.owner.name, uid: o.owner.uid, controller: true }] } : {}),
    },
    spec: {
      containers: [main, ...(o.containers ?? [])],
      ...(o.initContainers ? { initContainers: o.initContainers } : {}),
      ...(o.overhead ? { overhead: o.overhead } : {}),
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(o.affinity ? { affinity: o.affinity } : {}),
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      schedulerName: o.schedulerName ?? 'default-scheduler',
    },
    status: { phase: 'Pending' },
  };
}


/** Runs one filter plugin for `pod` on `node` (undefined: fits, or the plugin skipped the pod). */
export function runFilter(plugin: FilterPlugin, pod: Pod, node: Node, assigned: Pod[] = []): FilterFailure | undefined {
  const s = new Snapshot();
  const info = s.setNode(node);
  for (const p of assigned) s.setPod(p);
  const filter = plugin.prepareFilter(newPodInfo(pod), s);
  return filter?.(info);
}

/** Runs one score plugin over all `nodes` (all feasible); returns the normalized scores by node, or undefined if skipped. */
export function runScore(plugin: ScorePlugin, pod: Pod, nodes: Node[], assigned: Pod[] = []): Record<string, number> | undefined {
  const s = new Snapshot();
  for (const n of nodes) s.setNode(n);
  for (const p of assigned) s.setPod(p);
  const feasible = s.list();
  const scorer = plugin.prepareScore(newPodInfo(pod), feasible, s);
  if (!scorer) return undefined;
  const scores = new Float64Array(feasible.length);
  feasible.forEach((n, i) => (scores[i] = scorer.score(n)));
  scorer.normalize?.(scores, feasible.length, feasible);
  return Object.fromEntries(feasible.map((n, i) => [n.name, scores[i]!]));
}
