// The ReplicaSet controller (kube-controller-manager's pkg/controller/replicaset): keeps
// spec.replicas active pods matching each ReplicaSet's selector, made from its template.
//
// Handlers only turn pod and ReplicaSet events into ReplicaSet keys (and tell the expectations
// what the cache has seen); sync(key) is level-triggered: it reads the cache, claims pods,
// creates or deletes the difference (unless earlier creates/deletes are still awaited), and
// writes status.
import { type Selector, labelSelectorAsSelector } from '../../apimachinery/labels.js';
import { type OwnerReference, controllerRef, metaNamespaceKey, newControllerRef, splitMetaNamespaceKey } from '../../apimachinery/meta.js';
import { type Clock, realClock } from '../../client/clock.js';
import { type Log, runController, waitForCacheSync } from '../../client/controller-base.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { isNotFound } from '../../client/errors.js';
import type { SharedInformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { NAMESPACE_INDEX } from '../../client/indexer.js';
import { PODS, REPLICASETS } from '../../client/resources.js';
import { type DeletedFinalStateUnknown, unwrapTombstone } from '../../client/tombstone.js';
import type { Client } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue/index.js';
import type { ControllerContext } from '../context.js';
import { adoptPatch, claimObjects, recheckOwner, releasePatch } from './claim.js';
import { ControllerExpectations } from '../expectations.js';
import { type PodControl, RealPodControl, podNamePrefix } from './pod-control.js';
import { podsToDelete } from './pod-ranking.js';
import { isPodActive, isPodReady } from './pod-state.js';
import { slowStartBatch } from './slow-start.js';
import { calculateReplicaSetStatus, updateReplicaSetStatus } from './status.js';
import type { Pod, ReplicaSet } from './types.js';

const RS_GVK = { group: 'apps', version: 'v1', kind: 'ReplicaSet' };
/** Upstream's BurstReplicas: at most this many creates or deletes per sync. */
export const BURST_REPLICAS = 500;
const SLOW_START_INITIAL_BATCH = 1;

export interface ReplicaSetControllerOptions {
  client: Client;
  rsInformer: SharedInformer<ReplicaSet>;
  podInformer: SharedInformer<Pod>;
  recorder?: Pick<EventRecorder, 'event'>;
  clock?: Clock;
  log?: Log;
  burstReplicas?: number;
}

export class ReplicaSetController {
  readonly client: Client;
  readonly rsInformer: SharedInformer<ReplicaSet>;
  readonly podInformer: SharedInformer<Pod>;
  readonly queue: RateLimitingQueue<string>;
  readonly expectations: ControllerExpectations;
  readonly clock: Clock;
  podControl: PodControl;
  /** Replaceable in tests. */
  syncHandler: (key: string) => Promise<void>;
  readonly #log: Log;
  readonly #burst: number;

  constructor(opts: ReplicaSetControllerOptions) {
    this.client = opts.client;
    this.rsInformer = opts.rsInformer;
    this.podInformer = opts.podInformer;
    this.clock = opts.clock ?? realClock;
    this.queue = new RateLimitingQueue<string>({ clock: this.clock });
    this.expectations = new ControllerExpectations(this.clock);
    const recorder = opts.recorder ?? new EventRecorder(opts.client, { component: 'replicaset-controller' }, { clock: this.clock });
    this.podControl = new RealPodControl(opts.client, recorder);
    this.#log = opts.log ?? (() => {});
    this.#burst = opts.burstReplicas ?? BURST_REPLICAS;
    this.syncHandler = (key) => this.sync(key);

    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.enqueue(rs),
      onUpdate: (_old, cur) => this.enqueue(cur),
      onDelete: (obj) => this.#deleteReplicaSet(obj),
    });
    this.podInformer.addEventHandler({
      onAdd: (pod) => this.#addPod(pod),
      onUpdate: (old, cur) => this.#updatePod(old, cur),
      onDelete: (obj) => this.#deletePod(obj),
    });
  }

  /** Waits for both caches, then runs `workers` workers until `signal` aborts. */
  run(signal: AbortSignal, workers = 5): Promise<void> {
    return runController({
      name: 'replicaset',
      queue: this.queue,
      sync: (key) => this.syncHandler(key),
      workers,
      signal,
      caches: [this.rsInformer, this.podInformer],
      log: this.#log,
    });
  }

  enqueue(rs: ReplicaSet): void {
    this.queue.add(metaNamespaceKey(rs));
  }

  enqueueAfter(rs: ReplicaSet, ms: number): void {
    this.queue.addAfter(metaNamespaceKey(rs), ms);
  }

  // Handlers: map an event to keys, nothing more.

  #deleteReplicaSet(obj: ReplicaSet | DeletedFinalStateUnknown<ReplicaSet>): void {
    const rs = unwrapTombstone(obj);
    const key = metaNamespaceKey(rs);
    this.expectations.delete(key);
    this.queue.add(key);
  }

  #addPod(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) {
      // Seen for the first time already being deleted (e.g. after a restart): a deletion, not a creation.
      this.#deletePod(pod);
      return;
    }
    const ref = controllerRef(pod);
    if (ref) {
      const rs = this.#resolveControllerRef(pod.metadata?.namespace ?? '', ref);
      if (!rs) return;
      const key = metaNamespaceKey(rs);
      this.expectations.creationObserved(key);
      this.queue.add(key);
      return;
    }
    // An orphan: every matching ReplicaSet gets a chance to adopt it.
    for (const rs of this.#replicaSetsSelecting(pod)) this.enqueue(rs);
  }

  #updatePod(old: Pod, cur: Pod): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
    if (cur.metadata?.deletionTimestamp) {
      // Graceful deletion: the pod is as good as gone; observe it now rather than when it disappears.
      this.#deletePod(cur);
      if (labelsChanged) this.#deletePod(old);
      return;
    }
    const curRef = controllerRef(cur);
    const oldRef = controllerRef(old);
    const refChanged = JSON.stringify(curRef ?? null) !== JSON.stringify(oldRef ?? null);
    if (refChanged && oldRef) {
      const oldRs = this.#resolveControllerRef(old.metadata?.namespace ?? '', oldRef);
      if (oldRs) this.enqueue(oldRs);
    }
    if (curRef) {
      const rs = this.#resolveControllerRef(cur.metadata?.namespace ?? '', curRef);
      if (!rs) return;
      this.enqueue(rs);
      // Becoming available takes minReadySeconds after becoming ready: look again then.
      const minReady = rs.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && minReady > 0) this.enqueueAfter(rs, minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.#replicaSetsSelecting(cur)) this.enqueue(rs);
  }

  #deletePod(obj: Pod | DeletedFinalStateUnknown<Pod>): void {
    const pod = unwrapTombstone(obj);
    const ref = controllerRef(pod);
    if (!ref) return;
    const rs = this.#resolveControllerRef(pod.metadata?.namespace ?? '', ref);
    if (!rs) return;
    const key = metaNamespaceKey(rs);
    this.expectations.deletionObserved(key, metaNamespaceKey(pod));
    this.queue.add(key);
  }

  #resolveControllerRef(namespace: string, ref: OwnerReference): ReplicaSet | undefined {
    if (ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.rsInformer.indexer.get(`${namespace}/${ref.name}`);
    return rs?.metadata?.uid === ref.uid ? rs : undefined;
  }

  #replicaSetsSelecting(pod: Pod): ReplicaSet[] {
    const labels = pod.metadata?.labels;
    if (!labels || Object.keys(labels).length === 0) return [];
    return this.#replicaSetsIn(pod.metadata?.namespace ?? '').filter((rs) => {
      const selector = selectorOf(rs);
      return selector !== undefined && !selector.isEmpty() && selector.matches(labels);
    });
  }

  #replicaSetsIn(namespace: string): ReplicaSet[] {
    return this.rsInformer.indexer.byIndex(NAMESPACE_INDEX, namespace);
  }

  #podsIn(namespace: string): Pod[] {
    return this.podInformer.indexer.byIndex(NAMESPACE_INDEX, namespace);
  }

  // The sync.

  async sync(key: string): Promise<void> {
    const rs = this.rsInformer.indexer.get(key);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const selector = selectorOf(rs);
    if (!selector) {
      this.#log('invalid selector; not syncing', { controller: 'replicaset', key });
      return;
    }
    const active = this.#podsIn(rs.metadata?.namespace ?? '').filter(isPodActive);
    const pods = await this.#claimPods(rs, selector, active);

    let manageError: unknown;
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    if (needsSync && !rs.metadata?.deletionTimestamp) {
      try {
        await this.#manageReplicas(key, rs, pods);
      } catch (err) {
        manageError = err;
      }
    }
    const status = calculateReplicaSetStatus(rs, pods, manageError, diff, this.clock.now());
    const updated = await updateReplicaSetStatus(this.client, rs, status);
    const minReady = updated.spec?.minReadySeconds ?? 0;
    const replicas = updated.spec?.replicas ?? 1;
    if (manageError === undefined && minReady > 0 && updated.status?.readyReplicas === replicas && updated.status?.availableReplicas !== replicas) {
      this.enqueueAfter(updated, minReady * 1000);
    }
    if (manageError !== undefined) throw manageError;
  }

  async #claimPods(rs: ReplicaSet, selector: Selector, pods: Pod[]): Promise<Pod[]> {
    const namespace = rs.metadata?.namespace ?? '';
    const ref = newControllerRef({ metadata: rs.metadata ?? {} }, RS_GVK);
    const { claimed, errors } = await claimObjects<Pod>(pods, {
      owner: rs,
      selector,
      canAdopt: async () => recheckOwner(rs, await this.client.get<ReplicaSet>(REPLICASETS, namespace, rs.metadata?.name ?? '')),
      adopt: (pod) => this.podControl.patchPod(namespace, pod.metadata?.name ?? '', adoptPatch(ref, pod.metadata?.uid)),
      release: (pod) => this.podControl.patchPod(namespace, pod.metadata?.name ?? '', releasePatch(rs.metadata?.uid ?? '', pod.metadata?.uid)),
    });
    if (errors.length > 0) throw errors[0];
    return claimed;
  }

  async #manageReplicas(key: string, rs: ReplicaSet, pods: Pod[]): Promise<void> {
    const namespace = rs.metadata?.namespace ?? '';
    const want = rs.spec?.replicas ?? 1;
    if (pods.length < want) {
      const count = Math.min(want - pods.length, this.#burst);
      // Expect them before asking, so an informer event that beats the response is counted.
      this.expectations.expectCreations(key, count);
      const ref = newControllerRef({ metadata: rs.metadata ?? {} }, RS_GVK);
      const template = rs.spec?.template ?? {};
      const prefix = podNamePrefix(rs.metadata?.name ?? '');
      const { successes, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH, async () => {
        await this.podControl.createPod(namespace, template, rs, ref, prefix);
      });
      // Pods never asked for will never be observed.
      for (let i = successes; i < count; i++) this.expectations.creationObserved(key);
      if (error !== undefined) throw error;
      return;
    }
    if (pods.length > want) {
      const count = Math.min(pods.length - want, this.#burst);
      const victims = podsToDelete(pods, this.#relatedPods(rs), count, this.clock.now());
      this.expectations.expectDeletions(key, victims.map((p) => metaNamespaceKey(p)));
      const results = await Promise.allSettled(
        victims.map(async (pod) => {
          try {
            await this.podControl.deletePod(namespace, pod.metadata?.name ?? '', rs);
          } catch (err) {
            // This deletion will not be observed; a pod already gone is not a failure.
            this.expectations.deletionObserved(key, metaNamespaceKey(pod));
            if (!isNotFound(err)) throw err;
          }
        }),
      );
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /** Active pods of this ReplicaSet and of ReplicaSets with the same owner (for spreading deletions across nodes). */
  #relatedPods(rs: ReplicaSet): Pod[] {
    const ownerUid = controllerRef(rs)?.uid;
    const siblings = ownerUid ? this.#replicaSetsIn(rs.metadata?.namespace ?? '').filter((other) => controllerRef(other)?.uid === ownerUid) : [rs];
    const uids = new Set(siblings.map((s) => s.metadata?.uid));
    return this.#podsIn(rs.metadata?.namespace ?? '').filter((pod) => isPodActive(pod) && uids.has(controllerRef(pod)?.uid));
  }
}

function selectorOf(rs: ReplicaSet): Selector | undefined {
  try {
    return labelSelectorAsSelector(rs.spec?.selector);
  } catch {
    return undefined;
  }
}

/** kube-controller-manager's "replicaset" controller over the shared informers. */
export async function startReplicaSetController(ctx: ControllerContext): Promise<void> {
  const log: Log = (msg, fields) => ctx.log.info(fields ?? {}, msg);
  const informers: SharedInformerFactory = ctx.informers;
  const controller = new ReplicaSetController({
    client: ctx.client,
    rsInformer: informers.informerFor<ReplicaSet>(REPLICASETS),
    podInformer: informers.informerFor<Pod>(PODS),
    log,
  });
  informers.start(ctx.signal);
  controller.run(ctx.signal, ctx.workers ?? 5).catch((err: unknown) => ctx.log.error({ err }, 'replicaset controller stopped'));
  await waitForCacheSync(ctx.signal, controller.rsInformer, controller.podInformer);
}
