// The agent's pod loop (the kubelet's syncLoop + HandlePodCleanups + PLEG): it watches the pods
// bound to this node, runs one serialized worker per pod uid, relists the runtime every second
// to notice containers that changed by themselves (exits, OOM kills), and cleans up what belongs
// to no pod (sandboxes and cgroups of pods deleted while the agent was down, or force-deleted).
import type { Pod, Secret } from 'kubernetes-types/core/v1.js';
import { type Clock, sleep } from '../../client/clock.js';
import type { Log } from '../../client/controller-base.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import { newInformer, type SharedInformer } from '../../client/informer.js';
import { PODS, SECRETS } from '../../client/resources.js';
import { unwrapTombstone } from '../../client/tombstone.js';
import type { Client } from '../../client/types.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { AuthConfig } from '../runtime/types.js';
import { Backoff, CONTAINER_BACKOFF } from './backoff.js';
import { MINIMUM_GRACE_PERIOD_SECONDS } from './container-ops.js';
import { ImageManager, type RecordEvent } from './images.js';
import { POD_UID_LABEL, formatPod, ownedBy } from './labels.js';
import type { PodCgroups } from './pod-cgroups.js';
import { generatePodStatus, type StartFailure } from './pod-status.js';
import { PodSync } from './pod-sync.js';
import { PodWorkers, type WorkerResult } from './pod-workers.js';
import { credentialsForImage, credentialsFromSecret } from './pull-secrets.js';
import { type PodRuntimeState, readPodRuntimeState } from './runtime-state.js';
import type { PodConfigBuilder, PodProber } from './seams.js';
import { StatusManager } from './status-manager.js';
import { tracePod } from './trace.js';

export interface PodControllerOptions {
  client: Client;
  nodeName: string;
  runtime: ContainerRuntime;
  builder: PodConfigBuilder;
  prober: PodProber;
  cgroups: PodCgroups;
  record: RecordEvent;
  clock: Clock;
  /** The node's addresses (hostIP(s) of every pod). */
  nodeIPs: () => string[];
  /** Failures. */
  log: Log;
  /** What the agent does on its own (clean-up of orphans). */
  info?: Log;
  /** Runtime relist period (PLEG); default 1 s. */
  relistPeriodMs?: number;
  /** Orphan clean-up period; default 2 s. */
  housekeepingPeriodMs?: number;
  /** Every pod is synced at least this often; default 60 s. */
  resyncPeriodMs?: number;
  /** RunPodSandbox calls at once; default 4 (pod-sync.ts DEFAULT_SANDBOX_CONCURRENCY), 0: no limit. */
  sandboxConcurrency?: number;
  /** An informer over this node's pods; default: one made here (fieldSelector spec.nodeName). */
  informer?: SharedInformer<Pod>;
}

const isTerminalPhase = (phase: string | undefined): boolean => phase === 'Succeeded' || phase === 'Failed';

export class PodController {
  readonly informer: SharedInformer<Pod>;
  readonly workers: PodWorkers;
  readonly statuses: StatusManager;
  readonly podSync: PodSync;
  readonly crashBackoff: Backoff;
  readonly #opts: PodControllerOptions;
  /** The pods bound here, by uid (a pod recreated under the same name is another uid). */
  readonly #pods = new Map<string, Pod>();
  /** Each pod's last start failure per container (the kubelet's reasonCache). */
  readonly #failures = new Map<string, Map<string, StartFailure>>();
  /** Runtime objects seen by the last relist: id -> "<uid> <state>". */
  #lastRelist = new Map<string, string>();
  /** Pods deleted from the API whose containers the agent still has to stop, as last seen. */
  readonly #gone = new Map<string, Pod>();
  /** Pod cgroups without a pod seen by the last housekeeping round. */
  #orphanCgroups = new Set<string>();
  /** Pods already torn down (a later sync of the uid finds nothing to do); oldest first, bounded. */
  readonly #tornDown = new Set<string>();
  #synced = false;

  constructor(opts: PodControllerOptions) {
    this.#opts = opts;
    this.informer = opts.informer ?? newInformer<Pod>(opts.client, { type: PODS, fieldSelector: `spec.nodeName=${opts.nodeName}`, clock: opts.clock });
    this.statuses = new StatusManager(opts.client);
    this.crashBackoff = new Backoff(opts.clock, CONTAINER_BACKOFF);
    const images = new ImageManager(opts.runtime, opts.record, new Backoff(opts.clock, CONTAINER_BACKOFF));
    this.podSync = new PodSync({
      nodeName: opts.nodeName, runtime: opts.runtime, builder: opts.builder, images, record: opts.record, clock: opts.clock,
      probes: opts.prober, crashBackoff: this.crashBackoff, log: opts.log, sandboxConcurrency: opts.sandboxConcurrency,
      pullCredentials: (pod, image) => this.#pullCredentials(pod, image),
    });
    this.workers = new PodWorkers({
      clock: opts.clock,
      sync: (uid) => this.syncPod(uid),
      onError: (uid, err) => opts.log('pod sync failed', { uid, error: err instanceof Error ? err.message : String(err) }),
    });
    opts.prober.onChange((uid) => this.workers.update(uid));
    this.informer.addEventHandler({
      onAdd: (pod) => this.#observe(pod),
      onUpdate: (old, pod) => {
        if (old.metadata?.uid !== pod.metadata?.uid) this.#forgetPod(old.metadata?.uid ?? '');
        else if (graceShortened(old, pod)) void this.#stopSooner(pod);
        // The agent's own status writes come back as updates: only a change of what the pod asks for is news.
        this.#observe(pod, semanticallyDifferent(old, pod));
      },
      onDelete: (obj) => {
        const pod = unwrapTombstone(obj);
        // Its spec still tells how to stop it (preStop hooks, grace period).
        if (pod.metadata?.uid && this.#pods.has(pod.metadata.uid)) this.#gone.set(pod.metadata.uid, this.#pods.get(pod.metadata.uid)!);
        this.#forgetPod(pod.metadata?.uid ?? '');
      },
    });
  }

  #observe(pod: Pod, changed = true): void {
    const uid = pod.metadata?.uid;
    if (!uid || pod.spec?.nodeName !== this.#opts.nodeName) return;
    tracePod(uid, 'seen');
    this.#pods.set(uid, pod);
    if (changed) this.#opts.builder.observePod?.(pod);
    if (this.#synced && changed) this.workers.update(uid);
  }

  /**
   * A second delete shortened the grace period of a pod already being stopped (the kubelet's pod
   * worker then cancels the kill in progress): stop its containers again with what is left now;
   * the stop already waiting in the runtime ends with them.
   */
  async #stopSooner(pod: Pod): Promise<void> {
    const grace = Math.max(pod.metadata?.deletionGracePeriodSeconds ?? 0, MINIMUM_GRACE_PERIOD_SECONDS);
    try {
      const state = await readPodRuntimeState(this.#opts.runtime, pod.metadata?.uid ?? '');
      const running = state.containers.filter((c) => c.state === 'CONTAINER_RUNNING');
      await Promise.all(running.map((c) => this.#opts.runtime.stopContainer(c.id, grace).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      })));
    } catch (err) {
      this.#opts.log('could not stop the pod sooner', { pod: formatPod(pod), error: String(err) });
    }
  }

  #forgetPod(uid: string): void {
    if (!uid) return;
    this.#pods.delete(uid);
    if (this.#synced) this.workers.update(uid);
  }

  /** The pod as this agent last saw it. */
  pod(uid: string): Pod | undefined {
    return this.#pods.get(uid);
  }

  /**
   * Waits for the pod cache, cleans up after pods that went away while the agent was down, then
   * syncs every pod (running containers are adopted, not restarted) and runs the loops until
   * `signal` aborts.
   */
  async run(signal: AbortSignal): Promise<void> {
    const informerDone = this.informer.run(signal);
    if (!(await this.informer.waitForSync(signal))) {
      await informerDone;
      return;
    }
    this.#synced = true;
    await this.housekeeping().catch((err: unknown) => this.#opts.log('housekeeping failed', { error: String(err) }));
    for (const uid of this.#pods.keys()) this.workers.update(uid);
    const loops = [
      this.#every(signal, this.#opts.relistPeriodMs ?? 1000, () => this.relist()),
      this.#every(signal, this.#opts.housekeepingPeriodMs ?? 2000, () => this.housekeeping()),
    ];
    await Promise.all([informerDone, ...loops]);
    await this.workers.stop();
  }

  async #every(signal: AbortSignal, ms: number, fn: () => Promise<void>): Promise<void> {
    while (await sleep(this.#opts.clock, ms, signal)) {
      try {
        await fn();
      } catch (err) {
        this.#opts.log('agent loop failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /** PLEG: syncs every pod whose sandboxes or containers changed state since the last relist. */
  async relist(): Promise<void> {
    const selector = { labelSelector: ownedBy(this.#opts.nodeName) };
    const [sandboxes, containers] = await Promise.all([this.#opts.runtime.listPodSandbox(selector), this.#opts.runtime.listContainers(selector)]);
    const now = new Map<string, string>();
    for (const s of sandboxes) now.set(s.id, `${s.labels[POD_UID_LABEL] ?? ''} ${s.state}`);
    for (const c of containers) now.set(c.id, `${c.labels[POD_UID_LABEL] ?? ''} ${c.state}`);
    const changed = new Set<string>();
    for (const [id, v] of now) if (this.#lastRelist.get(id) !== v) changed.add(v.split(' ')[0]!);
    // Something gone matters only to a pod still running here (a removal the agent did itself is no news).
    for (const [id, v] of this.#lastRelist) if (!now.has(id) && this.#pods.has(v.split(' ')[0]!)) changed.add(v.split(' ')[0]!);
    this.#lastRelist = now;
    for (const uid of changed) if (uid) this.workers.update(uid);
  }

  /** Syncs pods the runtime has but the API does not (their worker tears them down), and removes orphaned pod cgroups. */
  async housekeeping(): Promise<void> {
    const selector = { labelSelector: ownedBy(this.#opts.nodeName) };
    const sandboxes = await this.#opts.runtime.listPodSandbox(selector);
    const runtimeUids = new Set(sandboxes.map((s) => s.labels[POD_UID_LABEL] ?? '').filter(Boolean));
    for (const uid of runtimeUids) if (!this.#pods.has(uid) && !this.workers.has(uid)) this.workers.update(uid);
    const active = (uid: string): boolean => this.#pods.has(uid) || runtimeUids.has(uid) || this.workers.has(uid);
    // A cgroup is an orphan only if it still is one a round later and no process lives in it: on a
    // cgroup root shared with another agent (tests), a pod being created there must not lose it.
    const candidates = new Set<string>();
    for (const uid of await this.#opts.cgroups.list()) {
      if (active(uid)) continue;
      if (!this.#orphanCgroups.has(uid) || (await this.#opts.cgroups.inUse(uid))) {
        candidates.add(uid);
        continue;
      }
      await this.#opts.cgroups.remove(uid).catch((err: unknown) => this.#opts.log('could not remove pod cgroup', { uid, error: String(err) }));
    }
    this.#orphanCgroups = candidates;
    for (const uid of await this.#opts.builder.podsOnDisk()) {
      if (active(uid)) continue;
      await this.#opts.builder.cleanupPod(uid).catch((err: unknown) => this.#opts.log('could not remove pod files', { uid, error: String(err) }));
    }
    this.crashBackoff.gc();
  }

  /** One sync of one pod uid (run by its worker). */
  async syncPod(uid: string): Promise<WorkerResult> {
    const { runtime, clock } = this.#opts;
    const pod = this.#pods.get(uid);
    tracePod(uid, 'sync');
    const state = await readPodRuntimeState(runtime, uid);
    tracePod(uid, 'state');
    if (!pod) {
      const leftovers = state.sandboxes.length > 0 || state.containers.length > 0;
      const last = this.#gone.get(uid) ?? standInPod(uid, state);
      if (leftovers) this.#opts.info?.('removing a pod the API no longer has', { pod: formatPod(last) });
      if (leftovers || !this.#tornDown.has(uid)) await this.#teardown(last, state);
      this.#gone.delete(uid);
      return { done: true };
    }
    if (pod.metadata?.deletionTimestamp) return this.#terminate(pod, state);

    const failures = this.#failuresOf(uid);
    const base = this.statuses.baseline(pod);
    let requeueAfterMs: number | undefined;
    if (isTerminalPhase(base?.phase)) {
      // A finished pod runs nothing again; its stopped sandbox stays until the pod is deleted.
      await this.podSync.killPod(pod, state);
    } else {
      requeueAfterMs = (await this.podSync.syncPod(pod, state, failures)).requeueAfterMs;
    }
    const after = await readPodRuntimeState(runtime, uid);
    tracePod(uid, 'state-after');
    await this.podSync.gc(after);
    // Probe workers first: a container that just started has a readiness probe to pass before it is ready.
    const running = after.containers.filter((c) => c.state === 'CONTAINER_RUNNING' && c.kind === 'regular');
    if (!isTerminalPhase(base?.phase)) this.#opts.prober.updatePod(pod, after.sandboxes[0]?.ips[0] ?? '', running.map((c) => ({ id: c.id, name: c.name, startedAt: c.startedAt })));
    const status = generatePodStatus({ ...pod, status: base }, after, {
      now: clock.now(),
      nodeIPs: this.#opts.nodeIPs(),
      failures,
      ready: (id) => this.#opts.prober.ready(id),
      started: (id) => this.#opts.prober.started(id),
    });
    tracePod(uid, 'status-sent');
    await this.statuses.setStatus(pod, status);
    tracePod(uid, 'status-written');
    if (isTerminalPhase(status.phase)) this.#opts.prober.removePod(uid);
    return { requeueAfterMs: Math.min(requeueAfterMs ?? Infinity, this.#opts.resyncPeriodMs ?? 60_000) };
  }

  /** Graceful deletion: stop everything within the grace period, report the final status, free the pod's resources, then confirm the deletion. */
  async #terminate(pod: Pod, state: PodRuntimeState): Promise<WorkerResult> {
    const { runtime, clock, client } = this.#opts;
    const uid = pod.metadata?.uid ?? '';
    this.#opts.prober.removePod(uid);
    await this.podSync.killPod(pod, state);
    const after = await readPodRuntimeState(runtime, uid);
    const status = generatePodStatus({ ...pod, status: this.statuses.baseline(pod) }, after, {
      now: clock.now(),
      nodeIPs: this.#opts.nodeIPs(),
      failures: this.#failuresOf(uid),
      ready: () => false,
      started: () => false,
      terminal: true,
    });
    await this.statuses.setStatus(pod, status);
    await this.#teardown(pod, after);
    try {
      await client.delete(PODS, pod.metadata?.namespace, pod.metadata?.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (err) {
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
    return { done: true };
  }

  /** Stops and removes everything the runtime has for the pod, its cgroup and its files, and forgets it. */
  async #teardown(pod: Pod, state: PodRuntimeState): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    if (state.sandboxes.length > 0 || state.containers.length > 0) {
      await this.podSync.killPod(pod, state);
      await this.podSync.removeSandboxes(state);
      // Containers whose sandbox is already gone (removed by hand) would otherwise stay forever.
      for (const c of state.containers) await this.#opts.runtime.removeContainer(c.id).catch(() => undefined);
    }
    await this.#opts.cgroups.remove(uid);
    await this.#opts.builder.cleanupPod(uid);
    this.#opts.prober.removePod(uid);
    this.#failures.delete(uid);
    this.crashBackoff.resetPrefix(`${uid}/`);
    this.statuses.forget(uid);
    this.#tornDown.add(uid);
    if (this.#tornDown.size > 1000) this.#tornDown.delete(this.#tornDown.values().next().value!);
  }

  #failuresOf(uid: string): Map<string, StartFailure> {
    let f = this.#failures.get(uid);
    if (!f) {
      f = new Map();
      this.#failures.set(uid, f);
    }
    return f;
  }

  async #pullCredentials(pod: Pod, image: string): Promise<AuthConfig[]> {
    const creds = [];
    for (const ref of pod.spec?.imagePullSecrets ?? []) {
      if (!ref.name) continue;
      try {
        creds.push(...credentialsFromSecret(await this.#opts.client.get<Secret>(SECRETS, pod.metadata?.namespace, ref.name)));
      } catch (err) {
        // A missing pull secret is not fatal: the kubelet logs it and pulls without it.
        this.#opts.log('image pull secret unavailable', { pod: formatPod(pod), secret: ref.name, error: String(err) });
      }
    }
    return credentialsForImage(image, creds);
  }
}

/** The kubelet's podsDifferSemantically: spec, labels, annotations or the deletion changed (not only status). */
function semanticallyDifferent(a: Pod, b: Pod): boolean {
  const essence = (p: Pod): string => JSON.stringify([
    p.spec, p.metadata?.labels, p.metadata?.annotations, p.metadata?.deletionTimestamp, p.metadata?.deletionGracePeriodSeconds, p.metadata?.ownerReferences,
  ]);
  return essence(a) !== essence(b);
}

/** Already terminating, and a later delete asked for less time (kube-apiserver only ever shortens it). */
function graceShortened(old: Pod, pod: Pod): boolean {
  const before = old.metadata?.deletionGracePeriodSeconds;
  const now = pod.metadata?.deletionGracePeriodSeconds;
  return old.metadata?.deletionTimestamp !== undefined && before !== undefined && now !== undefined && now < before;
}

/** A pod object standing in for one the API no longer has, named from the runtime's records. */
function standInPod(uid: string, state: PodRuntimeState): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { uid, name: state.name, namespace: state.namespace } };
}
