// The agent's volume manager: sets up the volumes a pod's containers mount (idempotently, one pod
// at a time), keeps API-sourced volumes (configMap, secret, downwardAPI, projected) current while
// the pod runs, and tears a pod's volumes down from what is on disk, so it also cleans up pods
// it never saw (after an agent restart).
//
//   const volumes = new VolumeManager({ dataDir, context: clientResolveContext(client), recordEvent });
//   volumes.start();                                   // refresh every 60 s
//   const mounts = await volumes.setUpPod(pod);        // -> buildContainerConfig({ volumes: mounts })
//   await volumes.tearDownPod(uid);                    // after RemovePodSandbox
import type { Pod, Volume } from 'kubernetes-types/core/v1.js';
import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clock, realClock, type TimerHandle } from '../../client/clock.js';
import type { PodEvent } from '../kuberuntime/errors.js';
import type { NodeAllocatable } from '../kuberuntime/fieldpath.js';
import { podsRoot, podVolumesDir } from '../kuberuntime/paths.js';
import type { VolumeContext } from '../kuberuntime/resolve-context.js';
import { canMount, type Mounter, readMountPoints, systemMounter } from './mount.js';
import { type PluginHost, pluginOf, REFRESHED_PLUGINS, setUpVolume, VolumeNotReadyError } from './plugins.js';
import { TokenManager } from './tokens.js';
import type { MountedVolume, PodVolumes } from './types.js';

export interface VolumeManagerOptions {
  dataDir: string;
  context: VolumeContext;
  /** Default: mount(8) when running as root, else none (memory-backed volumes become plain directories). */
  mounter?: Mounter | null;
  nodeAllocatable?: () => NodeAllocatable;
  /** Pod events: FailedMount per volume, as the kubelet records them. */
  recordEvent?: (pod: Pod, event: PodEvent) => void;
  clock?: Clock;
  /** How often running pods' configMap/secret/downwardAPI/projected volumes are rewritten (default 60 s). */
  refreshIntervalMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface VolumeFailure {
  volume: string;
  message: string;
  /** Not an error of the volume itself: the pod waits (an unbound claim). */
  waiting: boolean;
}

/** Some volumes could not be set up; the message has the kubelet's shape, after "Unable to attach or mount volumes: ". */
export class VolumeSetupError extends Error {
  override readonly name = 'VolumeSetupError';
  constructor(readonly failures: VolumeFailure[]) {
    const names = (f: VolumeFailure[]): string => `[${f.map((x) => x.volume).join(' ')}]`;
    const waiting = failures.filter((f) => f.waiting);
    super(`unmounted volumes=${names(failures)}, unattached volumes=${names(waiting)}, failed to process volumes=${names(waiting)}: ${failures.map((f) => f.message).join('; ')}`);
  }
}

/** Names of the volumes some container of the pod mounts (the only ones the kubelet sets up). */
export function usedVolumeNames(pod: Pod): Set<string> {
  const names = new Set<string>();
  const spec = pod.spec;
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])]) {
    for (const m of c.volumeMounts ?? []) names.add(m.name);
    for (const d of c.volumeDevices ?? []) names.add(d.name);
  }
  return names;
}

interface PodState {
  pod: Pod;
  volumes: Map<string, MountedVolume>;
}

export class VolumeManager {
  readonly #opts: VolumeManagerOptions;
  readonly #clock: Clock;
  readonly #mounter: Mounter | undefined;
  readonly #tokens: TokenManager;
  readonly #pods = new Map<string, PodState>();
  readonly #locks = new Map<string, Promise<unknown>>();
  #timer: TimerHandle | undefined;
  #stopped = true;

  constructor(opts: VolumeManagerOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? realClock;
    this.#mounter = opts.mounter === undefined ? (canMount() ? systemMounter : undefined) : (opts.mounter ?? undefined);
    this.#tokens = new TokenManager(opts.context, this.#clock);
  }

  get #host(): PluginHost {
    return { dataDir: this.#opts.dataDir, ctx: this.#opts.context, mounter: this.#mounter, tokens: this.#tokens, nodeAllocatable: this.#opts.nodeAllocatable?.() };
  }

  /** Runs fn after every earlier operation on the same pod. */
  #serial<T>(uid: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(uid) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.#locks.set(uid, next);
    void next.catch(() => undefined).finally(() => {
      if (this.#locks.get(uid) === next) this.#locks.delete(uid);
    });
    return next;
  }

  /**
   * Sets up every volume the pod's containers mount and resolves to them by name. Idempotent: a
   * second call keeps what is set up and rewrites API-sourced contents. Rejects with
   * VolumeSetupError naming each failing volume (FailedMount events are recorded).
   */
  setUpPod(pod: Pod): Promise<PodVolumes> {
    const uid = pod.metadata?.uid ?? '';
    return this.#serial(uid, () => this.#setUp(pod, false));
  }

  async #setUp(pod: Pod, refreshOnly: boolean): Promise<PodVolumes> {
    const uid = pod.metadata?.uid ?? '';
    const state = this.#pods.get(uid) ?? { pod, volumes: new Map<string, MountedVolume>() };
    state.pod = pod;
    const used = usedVolumeNames(pod);
    const failures: VolumeFailure[] = [];
    const host = this.#host;
    for (const volume of pod.spec?.volumes ?? []) {
      if (!used.has(volume.name)) continue;
      const have = state.volumes.get(volume.name);
      if (have && !REFRESHED_PLUGINS.has(have.plugin)) continue;
      if (refreshOnly && !have) continue;
      try {
        state.volumes.set(volume.name, await setUpVolume(pod, volume, host));
      } catch (err) {
        failures.push(this.#failure(pod, volume, err));
      }
    }
    if (!refreshOnly || this.#pods.has(uid)) this.#pods.set(uid, state);
    if (failures.length && !refreshOnly) throw new VolumeSetupError(failures);
    return new Map(state.volumes);
  }

  #failure(pod: Pod, volume: Volume, err: unknown): VolumeFailure {
    const raw = err instanceof Error ? err.message : String(err);
    const waiting = err instanceof VolumeNotReadyError;
    const message = waiting ? raw : `MountVolume.SetUp failed for volume "${volume.name}" : ${raw}`;
    this.#opts.recordEvent?.(pod, { type: 'Warning', reason: 'FailedMount', message });
    this.#opts.log?.('volume setup failed', { pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, volume: volume.name, plugin: pluginOf(volume), error: raw });
    return { volume: volume.name, message, waiting };
  }

  /** The volumes set up for a pod so far (undefined for a pod this manager has not set up). */
  podVolumes(uid: string): PodVolumes | undefined {
    const state = this.#pods.get(uid);
    return state ? new Map(state.volumes) : undefined;
  }

  /** Hands over a newer pod object (labels/annotations for downwardAPI files) for the next refresh. */
  updatePod(pod: Pod): void {
    const state = this.#pods.get(pod.metadata?.uid ?? '');
    if (state) state.pod = pod;
  }

  /** Rewrites the API-sourced volumes of every pod set up (failures are recorded, not thrown). */
  async refreshAll(): Promise<void> {
    for (const [uid, state] of [...this.#pods]) {
      await this.#serial(uid, () => this.#setUp(state.pod, true)).catch(() => undefined);
    }
  }

  /** Starts the periodic refresh. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const tick = (): void => {
      this.#timer = this.#clock.setTimeout(() => {
        void this.refreshAll().finally(() => {
          if (!this.#stopped) tick();
        });
      }, this.#opts.refreshIntervalMs ?? 60_000);
    };
    tick();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.#clock.clearTimeout(this.#timer);
  }

  /**
   * Unmounts and removes every volume directory of the pod, from what is on disk; idempotent.
   * A directory that stays mounted is left in place (never recursed into) and reported.
   */
  tearDownPod(uid: string): Promise<void> {
    return this.#serial(uid, async () => {
      this.#pods.delete(uid);
      this.#tokens.forgetPod(uid);
      const root = podVolumesDir(this.#opts.dataDir, uid);
      const stuck: string[] = [];
      for (const plugin of await readdir(root).catch(() => [] as string[])) {
        const pluginDir = join(root, plugin);
        for (const name of await readdir(pluginDir).catch(() => [] as string[])) {
          const dir = join(pluginDir, name);
          if (await this.#mounter?.isMountPoint(dir)) await this.#mounter?.unmount(dir);
          if (await mountedUnder(dir)) {
            stuck.push(dir);
            continue;
          }
          await rm(dir, { recursive: true, force: true });
        }
        await rmdir(pluginDir).catch(() => undefined);
      }
      await rmdir(root).catch(() => undefined);
      if (stuck.length) throw new Error(`volumes still mounted, left in place: ${stuck.join(', ')}`);
    });
  }

  /** Pod uids with a directory under <dataDir>/pods. */
  async podsOnDisk(): Promise<string[]> {
    return readdir(podsRoot(this.#opts.dataDir)).catch(() => [] as string[]);
  }

  /** Tears down the volumes of every pod on disk that is not in `active`; resolves to their uids. */
  async cleanupOrphans(active: ReadonlySet<string>): Promise<string[]> {
    const done: string[] = [];
    for (const uid of await this.podsOnDisk()) {
      if (active.has(uid)) continue;
      try {
        await this.tearDownPod(uid);
        done.push(uid);
      } catch (err) {
        this.#opts.log?.('orphaned pod volumes not removed', { uid, error: (err as Error).message });
      }
    }
    return done;
  }
}

async function mountedUnder(dir: string): Promise<boolean> {
  const points = await readMountPoints().catch(() => [] as string[]);
  return points.some((p) => p === dir || p.startsWith(`${dir}/`));
}
