// The PodConfigBuilder the agent runs with: kuberuntime/'s sandbox and container config builders
// over the pod's volumes, the image's user from CRI, and the API (ConfigMaps, Secrets, Services)
// for the environment. Also owns the pod's host files, removed once the pod is gone.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectReference } from '../../client/event-recorder.js';
import { buildContainerConfig } from '../kuberuntime/container-config.js';
import type { DnsOptions } from '../kuberuntime/dns.js';
import type { NodeAllocatable } from '../kuberuntime/fieldpath.js';
import { podDir, podLogsRoot, podsRoot } from '../kuberuntime/paths.js';
import type { ResolveContext } from '../kuberuntime/resolve-context.js';
import { buildSandboxConfig } from '../kuberuntime/sandbox-config.js';
import { type ImageUser, imageUserOf } from '../kuberuntime/security-context.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { ContainerConfig, PodSandboxConfig } from '../runtime/types.js';
import { readMountPoints } from '../volumes/mount.js';
import type { PodVolumes } from '../volumes/types.js';
import type { RecordEvent } from './images.js';
import type { ContainerConfigContext, PodConfigBuilder } from './seams.js';

/** What the agent needs from a volume manager (volumes/VolumeManager): set up a pod's volumes, tear them down. */
export interface PodVolumeManager {
  /** Mounts every volume of the pod (idempotent); rejects with the reason when one cannot be. */
  setUpPod(pod: Pod): Promise<PodVolumes>;
  /** Unmounts and removes every volume of the pod. */
  tearDownPod(uid: string): Promise<void>;
  updatePod?(pod: Pod): void;
}

/** Without a volume manager pods get no volumes (a volumeMount then fails with CreateContainerConfigError). */
export const noVolumes: PodVolumeManager = {
  setUpPod: async () => new Map(),
  tearDownPod: async () => undefined,
};

export interface KubeBuilderOptions {
  dataDir: string;
  cgroupRoot?: string;
  runtime: ContainerRuntime;
  context: ResolveContext;
  volumes?: PodVolumeManager;
  dns?: DnsOptions;
  nodeIPs: () => string[];
  nodeAllocatable?: () => NodeAllocatable;
  memoryCapacityBytes?: number;
  record: RecordEvent;
}

const podRef = (pod: Pod): ObjectReference => ({
  kind: 'Pod', apiVersion: 'v1', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid, resourceVersion: pod.metadata?.resourceVersion,
});

export class KubeConfigBuilder implements PodConfigBuilder {
  readonly #opts: KubeBuilderOptions;
  readonly #volumes = new Map<string, PodVolumes>();
  /** The user of each image id: an id names the image's config by digest, so it never changes. */
  readonly #imageUsers = new Map<string, ImageUser>();

  constructor(opts: KubeBuilderOptions) {
    this.#opts = opts;
  }

  get #volumeManager(): PodVolumeManager {
    return this.#opts.volumes ?? noVolumes;
  }

  async preparePod(pod: Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    await mkdir(podDir(this.#opts.dataDir, uid), { recursive: true, mode: 0o750 });
    this.#volumes.set(uid, await this.#volumeManager.setUpPod(pod));
  }

  async sandboxConfig(pod: Pod, attempt: number): Promise<PodSandboxConfig> {
    const config = buildSandboxConfig(pod, {
      dataDir: this.#opts.dataDir,
      attempt,
      cgroupRoot: this.#opts.cgroupRoot,
      dns: { nodeIPs: this.#opts.nodeIPs(), ...this.#opts.dns },
    });
    if (config.logDirectory) await mkdir(config.logDirectory, { recursive: true });
    return config;
  }

  async containerConfig(pod: Pod, container: Container, ctx: ContainerConfigContext): Promise<ContainerConfig> {
    const uid = pod.metadata?.uid ?? '';
    // After an agent restart a running pod was never prepared in this process.
    if (!this.#volumes.has(uid)) await this.preparePod(pod);
    const built = await buildContainerConfig(pod, container, {
      dataDir: this.#opts.dataDir,
      restartCount: ctx.restartCount,
      imageRef: ctx.imageRef,
      imageUser: await this.#imageUser(ctx.imageRef),
      volumes: this.#volumes.get(uid) ?? new Map(),
      context: this.#opts.context,
      podIPs: ctx.podIPs,
      hostIPs: this.#opts.nodeIPs(),
      nodeAllocatable: this.#opts.nodeAllocatable?.(),
      memoryCapacityBytes: this.#opts.memoryCapacityBytes,
      recordEvent: (e) => this.#opts.record(podRef(pod), e.type, e.reason, e.message),
    });
    return built.config;
  }

  async #imageUser(imageRef: string): Promise<ImageUser> {
    const known = this.#imageUsers.get(imageRef);
    if (known) return known;
    const image = (await this.#opts.runtime.imageStatus({ image: imageRef })).image;
    const user = imageUserOf(image);
    if (image && /^sha256:[0-9a-f]{64}$/.test(imageRef)) {
      if (this.#imageUsers.size >= 256) this.#imageUsers.delete(this.#imageUsers.keys().next().value!);
      this.#imageUsers.set(imageRef, user);
    }
    return user;
  }

  observePod(pod: Pod): void {
    this.#volumeManager.updatePod?.(pod);
  }

  async podsOnDisk(): Promise<string[]> {
    return readdir(podsRoot(this.#opts.dataDir)).catch(() => [] as string[]);
  }

  async cleanupPod(uid: string): Promise<void> {
    await this.#volumeManager.tearDownPod(uid);
    this.#volumes.delete(uid);
    const dir = podDir(this.#opts.dataDir, uid);
    // Never recurse through a mount (a volume left mounted would lose its data): leave such a dir for later.
    if (!(await hasMountUnder(dir))) await rm(dir, { recursive: true, force: true });
    const logsRoot = podLogsRoot(this.#opts.dataDir);
    for (const name of await readdir(logsRoot).catch(() => [] as string[])) {
      if (name.endsWith(`_${uid}`)) await rm(join(logsRoot, name), { recursive: true, force: true });
    }
  }
}

async function hasMountUnder(dir: string): Promise<boolean> {
  const points = await readMountPoints().catch(() => [] as string[]);
  return points.some((p) => p === dir || p.startsWith(`${dir}/`));
}
