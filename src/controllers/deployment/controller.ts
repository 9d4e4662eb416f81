// The Deployment controller (kube-controller-manager's pkg/controller/deployment): rolls a
// Deployment's pod template out through ReplicaSets named "<name>-<pod-template-hash>".
//
// Handlers map Deployment, ReplicaSet and (for Recreate) pod events to Deployment keys; sync is
// level-triggered: claim ReplicaSets, then in order of priority: deleted -> status only,
// paused -> scale only, replicas changed -> proportional scale, else the strategy's next step.
import { type Selector, labelSelectorAsSelector } from '../../apimachinery/labels.js';
import { type OwnerReference, controllerRef, metaNamespaceKey, newControllerRef } from '../../apimachinery/meta.js';
import { type Clock, realClock } from '../../client/clock.js';
import { type Log, runController, waitForCacheSync } from '../../client/controller-base.js';
import { EventRecorder } from '../../client/event-recorder.js';
import type { SharedInformerFactory } from '../../client/informer-factory.js';
import type { SharedInformer } from '../../client/informer.js';
import { NAMESPACE_INDEX } from '../../client/indexer.js';
import { DEPLOYMENTS, PODS, REPLICASETS } from '../../client/resources.js';
import { type DeletedFinalStateUnknown, unwrapTombstone } from '../../client/tombstone.js';
import type { Client } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue/index.js';
import type { ControllerContext } from '../context.js';
import { adoptPatch, claimObjects, recheckOwner, releasePatch } from '../replicaset/claim.js';
import type { PodMap, SyncContext } from './context.js';
import { getAllReplicaSetsAndSyncRevision } from './new-replica-set.js';
import { rolloutRecreate } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { isScalingEvent, syncScaling } from './scale.js';
import { checkPausedConditions, syncDeploymentStatus } from './status.js';
import type { Deployment, Pod, ReplicaSet } from './types.js';
import { writeDeploymentStatus } from './writes.js';

const DEPLOYMENT_GVK = { group: 'apps', version: 'v1', kind: 'Deployment' };
/** Upstream drops a key after this many consecutive failures (until an event brings it back). */
const MAX_RETRIES = 15;

export interface DeploymentControllerOptions {
  client: Client;
  deploymentInformer: SharedInformer<Deployment>;
  rsInformer: SharedInformer<ReplicaSet>;
  podInformer: SharedInformer<Pod>;
  recorder?: Pick<EventRecorder, 'event'>;
  clock?: Clock;
  log?: Log;
}

export class DeploymentController {
  readonly client: Client;
  readonly deploymentInformer: SharedInformer<Deployment>;
  readonly rsInformer: SharedInformer<ReplicaSet>;
  readonly podInformer: SharedInformer<Pod>;
  readonly queue: RateLimitingQueue<string>;
  readonly clock: Clock;
  /** What the rollout code acts through; replaceable in tests. */
  syncContext: SyncContext;
  syncHandler: (key: string) => Promise<void>;
  readonly #log: Log;

  constructor(opts: DeploymentControllerOptions) {
    this.client = opts.client;
    this.deploymentInformer = opts.deploymentInformer;
    this.rsInformer = opts.rsInformer;
    this.podInformer = opts.podInformer;
    this.clock = opts.clock ?? realClock;
    this.queue = new RateLimitingQueue<string>({ clock: this.clock });
    this.#log = opts.log ?? (() => {});
    const recorder = opts.recorder ?? new EventRecorder(opts.client, { component: 'deployment-controller' }, { clock: this.clock });
    this.syncContext = {
      client: opts.client,
      recorder,
      now: () => this.clock.now(),
      cachedReplicaSet: (namespace, name) => this.rsInformer.indexer.get(`${namespace}/${name}`),
      requeueAfter: (d, ms) => this.queue.addAfter(metaNamespaceKey(d), ms),
      requeueRateLimited: (d) => this.queue.addRateLimited(metaNamespaceKey(d)),
    };
    this.syncHandler = (key) => this.sync(key);

    this.deploymentInformer.addEventHandler({
      onAdd: (d) => this.enqueue(d),
      onUpdate: (_old, cur) => this.enqueue(cur),
      onDelete: (obj) => this.enqueue(unwrapTombstone(obj)),
    });
    this.rsInformer.addEventHandler({
      onAdd: (rs) => this.#addReplicaSet(rs),
      onUpdate: (old, cur) => this.#updateReplicaSet(old, cur),
      onDelete: (obj) => this.#deleteReplicaSet(obj),
    });
    this.podInformer.addEventHandler({ onDelete: (obj) => this.#deletePod(obj) });
  }

  run(signal: AbortSignal, workers = 5): Promise<void> {
    return runController({
      name: 'deployment',
      queue: this.queue,
      sync: (key) => this.syncHandler(key),
      maxRetries: MAX_RETRIES,
      workers,
      signal,
      caches: [this.deploymentInformer, this.rsInformer, this.podInformer],
      log: this.#log,
    });
  }

  enqueue(d: Deployment): void {
    this.queue.add(metaNamespaceKey(d));
  }

  // Handlers.

  #addReplicaSet(rs: ReplicaSet): void {
    if (rs.metadata?.deletionTimestamp) {
      this.#deleteReplicaSet(rs);
      return;
    }
    const ref = controllerRef(rs);
    if (ref) {
      const d = this.#resolveControllerRef(rs.metadata?.namespace ?? '', ref);
      if (d) this.enqueue(d);
      return;
    }
    for (const d of this.#deploymentsSelecting(rs)) this.enqueue(d);
  }

  #updateReplicaSet(old: ReplicaSet, cur: ReplicaSet): void {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const curRef = controllerRef(cur);
    const oldRef = controllerRef(old);
    const refChanged = JSON.stringify(curRef ?? null) !== JSON.stringify(oldRef ?? null);
    if (refChanged && oldRef) {
      const d = this.#resolveControllerRef(old.metadata?.namespace ?? '', oldRef);
      if (d) this.enqueue(d);
    }
    if (curRef) {
      const d = this.#resolveControllerRef(cur.metadata?.namespace ?? '', curRef);
      if (d) this.enqueue(d);
      return;
    }
    const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
    if (labelsChanged || refChanged) for (const d of this.#deploymentsSelecting(cur)) this.enqueue(d);
  }

  #deleteReplicaSet(obj: ReplicaSet | DeletedFinalStateUnknown<ReplicaSet>): void {
    const rs = unwrapTombstone(obj);
    const ref = controllerRef(rs);
    if (!ref) return;
    const d = this.#resolveControllerRef(rs.metadata?.namespace ?? '', ref);
    if (d) this.enqueue(d);
  }

  /** Recreate waits for old pods to be gone: each pod deletion may be the last one. */
  #deletePod(obj: Pod | DeletedFinalStateUnknown<Pod>): void {
    const pod = unwrapTombstone(obj);
    const namespace = pod.metadata?.namespace ?? '';
    const podRef = controllerRef(pod);
    if (podRef?.kind !== 'ReplicaSet') return;
    const rs = this.rsInformer.indexer.get(`${namespace}/${podRef.name}`);
    const rsRef = rs && rs.metadata?.uid === podRef.uid ? controllerRef(rs) : undefined;
    const d = rsRef ? this.#resolveControllerRef(namespace, rsRef) : undefined;
    if (d?.spec?.strategy?.type === 'Recreate') this.enqueue(d);
  }

  #resolveControllerRef(namespace: string, ref: OwnerReference): Deployment | undefined {
    if (ref.kind !== 'Deployment') return undefined;
    const d = this.deploymentInformer.indexer.get(`${namespace}/${ref.name}`);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  }

  #deploymentsSelecting(rs: ReplicaSet): Deployment[] {
    const labels = rs.metadata?.labels;
    if (!labels || Object.keys(labels).length === 0) return [];
    return this.deploymentInformer.indexer.byIndex(NAMESPACE_INDEX, rs.metadata?.namespace ?? '').filter((d) => {
      const selector = selectorOf(d);
      return selector !== undefined && !selector.isEmpty() && selector.matches(labels);
    });
  }

  // The sync.

  async sync(key: string): Promise<void> {
    const cached = this.deploymentInformer.indexer.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    const ctx = this.syncContext;
    const selector = selectorOf(d);
    if (!selector) return;
    if (selector.isEmpty()) {
      ctx.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        d.status = { ...d.status, observedGeneration: d.metadata?.generation ?? 0 };
        await writeDeploymentStatus(ctx, d);
      }
      return;
    }
    const rsList = await this.#claimReplicaSets(d, selector);
    if (d.metadata?.deletionTimestamp) {
      const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
      return syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS, d);
    }
    await checkPausedConditions(ctx, d);
    if (d.spec?.paused) return syncScaling(ctx, d, rsList);
    if (await isScalingEvent(ctx, d, rsList)) return syncScaling(ctx, d, rsList);
    if (d.spec?.strategy?.type === 'Recreate') return rolloutRecreate(ctx, d, rsList, this.#podMap(d, selector, rsList));
    return rolloutRolling(ctx, d, rsList);
  }

  /** The Deployment's ReplicaSets: those it controls and still selects, plus matching orphans it adopts. */
  async #claimReplicaSets(d: Deployment, selector: Selector): Promise<ReplicaSet[]> {
    const namespace = d.metadata?.namespace ?? '';
    const all = this.rsInformer.indexer.byIndex(NAMESPACE_INDEX, namespace);
    const ref = newControllerRef({ metadata: d.metadata ?? {} }, DEPLOYMENT_GVK);
    const patchRS = (rs: ReplicaSet, patch: unknown): Promise<ReplicaSet> =>
      this.client.patch<ReplicaSet>(REPLICASETS, namespace, rs.metadata?.name ?? '', 'strategic', patch);
    const { claimed, errors } = await claimObjects<ReplicaSet>(all, {
      owner: d,
      selector,
      canAdopt: async () => recheckOwner(d, await this.client.get<Deployment>(DEPLOYMENTS, namespace, d.metadata?.name ?? '')),
      adopt: (rs) => patchRS(rs, adoptPatch(ref, rs.metadata?.uid)),
      release: async (rs) => void (await patchRS(rs, releasePatch(d.metadata?.uid ?? '', rs.metadata?.uid))),
    });
    if (errors.length > 0) throw errors[0];
    return claimed;
  }

  /** Pods the Deployment selects, grouped by the uid of the ReplicaSet (of this Deployment) controlling them. */
  #podMap(d: Deployment, selector: Selector, rsList: ReplicaSet[]): PodMap {
    const map: PodMap = new Map(rsList.map((rs) => [rs.metadata?.uid ?? '', [] as Pod[]]));
    for (const pod of this.podInformer.indexer.byIndex(NAMESPACE_INDEX, d.metadata?.namespace ?? '')) {
      if (!selector.matches(pod.metadata?.labels)) continue;
      const uid = controllerRef(pod)?.uid;
      if (uid !== undefined) map.get(uid)?.push(pod);
    }
    return map;
  }
}

function selectorOf(d: { spec?: { selector?: unknown } }): Selector | undefined {
  try {
    return labelSelectorAsSelector(d.spec?.selector as Parameters<typeof labelSelectorAsSelector>[0]);
  } catch {
    return undefined;
  }
}

/** kube-controller-manager's "deployment" controller over the shared informers. */
export async function startDeploymentController(ctx: ControllerContext): Promise<void> {
  const log: Log = (msg, fields) => ctx.log.info(fields ?? {}, msg);
  const informers: SharedInformerFactory = ctx.informers;
  const controller = new DeploymentController({
    client: ctx.client,
    deploymentInformer: informers.informerFor<Deployment>(DEPLOYMENTS),
    rsInformer: informers.informerFor<ReplicaSet>(REPLICASETS),
    podInformer: informers.informerFor<Pod>(PODS),
    log,
  });
  informers.start(ctx.signal);
  controller.run(ctx.signal, ctx.workers ?? 5).catch((err: unknown) => ctx.log.error({ err }, 'deployment controller stopped'));
  await waitForCacheSync(ctx.signal, controller.deploymentInformer, controller.rsInformer, controller.podInformer);
}
