// The DaemonSet controller (kube-controller-manager's pkg/controller/daemon): one pod per
// eligible node, replaced node by node (RollingUpdate, maxUnavailable) when the template
// changes, with the status counts kubectl shows.
//
// Handlers map DaemonSet, pod and node events to DaemonSet keys (and tell the expectations what
// the cache has seen); sync(key) is level-triggered: claim pods, group them by node, create and
// delete the difference (unless earlier writes are still awaited), roll, write status.
// Not done: maxSurge, ControllerRevisions (the hash label stands in), failed-pod backoff.
import { type Selector, labelSelectorAsSelector } from '../../apimachinery/labels.js';
import { type OwnerReference, controllerRef, metaNamespaceKey, newControllerRef } from '../../apimachinery/meta.js';
import { type Clock, realClock } from '../../client/clock.js';
import { type Log, runController } from '../../client/controller-base.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { NAMESPACE_INDEX } from '../../client/indexer.js';
import type { SharedInformer } from '../../client/informer.js';
import { DAEMONSETS } from '../../client/resources.js';
import { type DeletedFinalStateUnknown, unwrapTombstone } from '../../client/tombstone.js';
import type { Client } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue/index.js';
import { adoptPatch, claimObjects, recheckOwner, releasePatch } from '../replicaset/claim.js';
import { type PodControl, RealPodControl, podNamePrefix } from '../replicaset/pod-control.js';
import { msUntilAvailable } from '../replicaset/pod-state.js';
import { slowStartBatch } from '../replicaset/slow-start.js';
import { ControllerExpectations } from '../expectations.js';
import { computeTemplateHash } from './hash.js';
import { daemonPodTemplate } from './pod-template.js';
import { nodeShouldRunDaemonPod, targetNodeName } from './predicates.js';
import { type NodeState, byAge, computeStatus, planManage, planRollingUpdate } from './rollout.js';
import type { DaemonSet, DaemonSetStatus, Node, Pod } from './types.js';

const DS_GVK = { group: 'apps', version: 'v1', kind: 'DaemonSet' };
/** Upstream's BurstReplicas: at most this many creates per sync. */
export const BURST_REPLICAS = 250;

export interface DaemonSetControllerOptions {
  client: Client;
  dsInformer: SharedInformer<DaemonSet>;
  podInformer: SharedInformer<Pod>;
  nodeInformer: SharedInformer<Node>;
  recorder?: Pick<EventRecorder, 'event'>;
  clock?: Clock;
  log?: Log;
  /** Set spec.nodeName on new pods instead of pinning them by node affinity (for clusters without a scheduler). */
  bindDirectly?: boolean;
}

export class DaemonSetController {
  readonly client: Client;
  readonly dsInformer: SharedInformer<DaemonSet>;
  readonly podInformer: SharedInformer<Pod>;
  readonly nodeInformer: SharedInformer<Node>;
  readonly queue: RateLimitingQueue<string>;
  readonly expectations: ControllerExpectations;
  readonly clock: Clock;
  podControl: PodControl;
  readonly #log: Log;
  readonly #bindDirectly: boolean;

  constructor(opts: DaemonSetControllerOptions) {
    this.client = opts.client;
    this.dsInformer = opts.dsInformer;
    this.podInformer = opts.podInformer;
    this.nodeInformer = opts.nodeInformer;
    this.clock = opts.clock ?? realClock;
    this.queue = new RateLimitingQueue<string>({ clock: this.clock });
    this.expectations = new ControllerExpectations(this.clock);
    this.podControl = new RealPodControl(opts.client, opts.recorder ?? new EventRecorder(opts.client, { component: 'daemonset-controller' }, { clock: this.clock }));
    this.#log = opts.log ?? (() => {});
    this.#bindDirectly = opts.bindDirectly ?? false;

    this.dsInformer.addEventHandler({
      onAdd: (ds) => this.enqueue(ds),
      onUpdate: (_old, ds) => this.enqueue(ds),
      onDelete: (obj) => {
        const key = metaNamespaceKey(unwrapTombstone(obj));
        this.expectations.delete(key);
        this.queue.add(key);
      },
    });
    this.podInformer.addEventHandler({
      onAdd: (pod) => (pod.metadata?.deletionTimestamp ? this.#podGone(pod) : this.#podAdded(pod)),
      onUpdate: (old, pod) => this.#podUpdated(old, pod),
      onDelete: (obj) => this.#podGone(obj),
    });
    this.nodeInformer.addEventHandler({
      onAdd: () => this.#enqueueAll(),
      onUpdate: (old, node) => {
        if (nodeChangeMatters(old, node)) this.#enqueueAll();
      },
      onDelete: () => this.#enqueueAll(),
    });
  }

  run(signal: AbortSignal, workers = 2): Promise<void> {
    return runController({
      name: 'daemonset',
      queue: this.queue,
      sync: (key) => this.sync(key),
      workers,
      signal,
      caches: [this.dsInformer, this.podInformer, this.nodeInformer],
      log: this.#log,
    });
  }

  enqueue(ds: DaemonSet): void {
    this.queue.add(metaNamespaceKey(ds));
  }

  // Handlers: map an event to keys, nothing more.

  #enqueueAll(): void {
    for (const ds of this.dsInformer.indexer.list()) this.enqueue(ds);
  }

  #podAdded(pod: Pod): void {
    const ds = this.#owner(pod, controllerRef(pod));
    if (ds) {
      this.expectations.creationObserved(metaNamespaceKey(ds));
      this.enqueue(ds);
      return;
    }
    if (!controllerRef(pod)) for (const candidate of this.#selecting(pod)) this.enqueue(candidate);
  }

  #podUpdated(old: Pod, pod: Pod): void {
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    if (pod.metadata?.deletionTimestamp) {
      this.#podGone(pod);
      return;
    }
    const oldDs = this.#owner(old, controllerRef(old));
    const ds = this.#owner(pod, controllerRef(pod));
    if (oldDs && oldDs !== ds) this.enqueue(oldDs);
    if (ds) {
      this.enqueue(ds);
      const minReady = ds.spec?.minReadySeconds ?? 0;
      const wait = msUntilAvailable(pod, minReady, this.clock.now());
      if (wait > 0) this.queue.addAfter(metaNamespaceKey(ds), wait + 1000);
      return;
    }
    if (!controllerRef(pod)) for (const candidate of this.#selecting(pod)) this.enqueue(candidate);
  }

  #podGone(obj: Pod | DeletedFinalStateUnknown<Pod>): void {
    const pod = unwrapTombstone(obj);
    const ds = this.#owner(pod, controllerRef(pod));
    if (!ds) return;
    const key = metaNamespaceKey(ds);
    this.expectations.deletionObserved(key, metaNamespaceKey(pod));
    this.queue.add(key);
  }

  #owner(pod: Pod, ref: OwnerReference | undefined): DaemonSet | undefined {
    if (!ref || ref.kind !== 'DaemonSet') return undefined;
    const ds = this.dsInformer.indexer.get(`${pod.metadata?.namespace ?? ''}/${ref.name}`);
    return ds?.metadata?.uid === ref.uid ? ds : undefined;
  }

  #selecting(pod: Pod): DaemonSet[] {
    const labels = pod.metadata?.labels;
    if (!labels || Object.keys(labels).length === 0) return [];
    return this.dsInformer.indexer.byIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? '').filter((ds) => {
      const selector = selectorOf(ds);
      return selector !== undefined && !selector.isEmpty() && selector.matches(labels);
    });
  }

  // The sync.

  async sync(key: string): Promise<void> {
    const ds = this.dsInformer.indexer.get(key);
    if (!ds) {
      this.expectations.delete(key);
      return;
    }
    const selector = selectorOf(ds);
    if (!selector || selector.isEmpty()) {
      this.#log('invalid or empty selector; not syncing', { controller: 'daemonset', key });
      return;
    }
    if (ds.metadata?.deletionTimestamp) return;
    const hash = computeTemplateHash(ds.spec?.template, ds.status?.collisionCount);
    let nodes = this.#nodeStates(ds, await this.#claimPods(ds, selector));
    const now = this.clock.now();

    if (this.expectations.satisfied(key)) {
      const plan = planManage(nodes);
      const orphaned = this.#podsForMissingNodes(ds, nodes);
      await this.#syncNodes(key, ds, plan.create, [...plan.delete, ...orphaned], hash);
      if (plan.create.length === 0 && plan.delete.length === 0 && ds.spec?.updateStrategy?.type !== 'OnDelete') {
        const old = planRollingUpdate(ds, nodes, hash, now);
        if (old.length > 0) await this.#syncNodes(key, ds, [], old, hash);
      }
      nodes = this.#nodeStates(ds, this.#ownedPods(ds));
    }
    await this.#updateStatus(ds, computeStatus(ds, nodes, hash, now));
  }

  /** Every node with its placement and the DaemonSet's pods there, oldest first. */
  #nodeStates(ds: DaemonSet, pods: Pod[]): NodeState[] {
    const byNode = new Map<string, Pod[]>();
    for (const pod of pods) {
      if (pod.metadata?.deletionTimestamp && (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed')) continue;
      const node = targetNodeName(pod);
      if (!node) continue;
      const list = byNode.get(node) ?? [];
      list.push(pod);
      byNode.set(node, list);
    }
    const template = ds.spec?.template ?? {};
    return this.nodeInformer.indexer.list().map((node) => {
      const name = node.metadata?.name ?? '';
      return { name, placement: nodeShouldRunDaemonPod(node, template), pods: (byNode.get(name) ?? []).sort(byAge) };
    });
  }

  /** Unscheduled pods pinned to nodes that no longer exist: nothing will ever place them. */
  #podsForMissingNodes(ds: DaemonSet, nodes: NodeState[]): Pod[] {
    const known = new Set(nodes.map((n) => n.name));
    return this.#ownedPods(ds).filter((p) => !p.spec?.nodeName && !p.metadata?.deletionTimestamp && !known.has(targetNodeName(p) ?? ''));
  }

  #ownedPods(ds: DaemonSet): Pod[] {
    const uid = ds.metadata?.uid;
    return this.podInformer.indexer.byIndex(NAMESPACE_INDEX, ds.metadata?.namespace ?? '').filter((p) => controllerRef(p)?.uid === uid);
  }

  async #claimPods(ds: DaemonSet, selector: Selector): Promise<Pod[]> {
    const namespace = ds.metadata?.namespace ?? '';
    const ref = newControllerRef({ metadata: ds.metadata ?? {} }, DS_GVK);
    const { claimed, errors } = await claimObjects<Pod>(this.podInformer.indexer.byIndex(NAMESPACE_INDEX, namespace), {
      owner: ds,
      selector,
      canAdopt: async () => recheckOwner(ds, await this.client.get<DaemonSet>(DAEMONSETS, namespace, ds.metadata?.name ?? '')),
      adopt: (pod) => this.podControl.patchPod(namespace, pod.metadata?.name ?? '', adoptPatch(ref, pod.metadata?.uid)),
      release: (pod) => this.podControl.patchPod(namespace, pod.metadata?.name ?? '', releasePatch(ds.metadata?.uid ?? '', pod.metadata?.uid)),
    });
    if (errors.length > 0) throw errors[0];
    return claimed;
  }

  /** Creates pods on `createOn` (slow start) and deletes `remove`, expecting both first. */
  async #syncNodes(key: string, ds: DaemonSet, createOn: string[], remove: Pod[], hash: string): Promise<void> {
    if (createOn.length === 0 && remove.length === 0) return;
    const namespace = ds.metadata?.namespace ?? '';
    const creates = createOn.slice(0, BURST_REPLICAS);
    this.expectations.expect(key, creates.length, remove.map((p) => metaNamespaceKey(p)));
    const errors: unknown[] = [];
    await Promise.all(
      remove.map(async (pod) => {
        try {
          await this.podControl.deletePod(namespace, pod.metadata?.name ?? '', ds);
        } catch (err) {
          this.expectations.deletionObserved(key, metaNamespaceKey(pod));
          if (!isNotFound(err)) errors.push(err);
        }
      }),
    );
    const ref = newControllerRef({ metadata: ds.metadata ?? {} }, DS_GVK);
    const prefix = podNamePrefix(ds.metadata?.name ?? '');
    const template = ds.spec?.template ?? {};
    let next = 0;
    const { successes, error } = await slowStartBatch(creates.length, 1, async () => {
      const node = creates[next++]!;
      await this.podControl.createPod(namespace, daemonPodTemplate(template, node, hash, this.#bindDirectly), ds, ref, prefix);
    });
    for (let i = successes; i < creates.length; i++) this.expectations.creationObserved(key);
    if (error !== undefined) errors.push(error);
    if (errors.length > 0) throw errors[0];
  }

  async #updateStatus(ds: DaemonSet, status: DaemonSetStatus): Promise<void> {
    if (JSON.stringify(normalized(ds.status)) === JSON.stringify(normalized(status))) return;
    try {
      await this.client.updateStatus<DaemonSet>(DAEMONSETS, ds.metadata?.namespace, { ...ds, status });
    } catch (err) {
      // A newer DaemonSet is on its way through the informer and syncs again.
      if (isConflict(err) || isNotFound(err)) return;
      throw err;
    }
  }
}

function selectorOf(ds: DaemonSet): Selector | undefined {
  try {
    return labelSelectorAsSelector(ds.spec?.selector);
  } catch {
    return undefined;
  }
}

const STATUS_FIELDS = [
  'currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration',
  'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable',
] as const;

const normalized = (status: DaemonSetStatus | undefined): number[] => STATUS_FIELDS.map((f) => status?.[f] ?? 0);

/** Labels, taints, unschedulable or Ready changes can change where daemon pods belong. */
function nodeChangeMatters(old: Node, node: Node): boolean {
  const ready = (n: Node): string | undefined => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return (
    JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(node.metadata?.labels ?? {}) ||
    JSON.stringify(old.spec?.taints ?? []) !== JSON.stringify(node.spec?.taints ?? []) ||
    old.spec?.unschedulable !== node.spec?.unschedulable ||
    ready(old) !== ready(node)
  );
}
