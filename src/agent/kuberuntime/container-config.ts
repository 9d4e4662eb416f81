// Container -> CRI ContainerConfig, as the kubelet's generateContainerConfig builds it: the
// runAsNonRoot check against the image's user, the environment, $(VAR)-expanded command and args,
// mounts (volumes, /etc/hosts, termination log), log path, labels and annotations, resources and
// security context. Every failure is a CreateContainerConfigError with the kubelet's message.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { totalmem } from 'node:os';
import type { ContainerConfig } from '../runtime/types.js';
import type { PodVolumes } from '../volumes/types.js';
import { DEFAULT_CLUSTER_DOMAIN } from './dns.js';
import { containerEnv } from './env.js';
import { CreateContainerConfigError, type RecordPodEvent } from './errors.js';
import { expandCommandAndArgs } from './expansion.js';
import type { NodeAllocatable } from './fieldpath.js';
import { podHostnameAndDomain } from './hostname.js';
import { containerAnnotations, containerLabels } from './labels.js';
import { containerMounts } from './mounts.js';
import { containerLogPath } from './paths.js';
import type { ResolveContext } from './resolve-context.js';
import { containerLinuxResources } from './resources.js';
import { containerSecurityContext, type ImageUser, type SeccompOptions, verifyRunAsNonRoot } from './security-context.js';

export interface ContainerConfigOptions extends SeccompOptions {
  /** The agent's data dir (pod files under <dataDir>/pods/<uid>). */
  dataDir: string;
  /** How many times this container was restarted before (0 for the first run). */
  restartCount: number;
  /** The image to run: the resolved reference (an id from PullImage/ImageStatus) or container.image. */
  imageRef?: string;
  /** Whom the image runs as: imageUserOf(await runtime.imageStatus(...)).image). */
  imageUser: ImageUser;
  /** The pod's mounted volumes, from VolumeManager.podVolumes(uid). */
  volumes: PodVolumes;
  context: ResolveContext;
  /** From the sandbox's status; empty before the network is up (then no /etc/hosts). */
  podIPs: string[];
  hostIPs?: string[];
  /** Stands in for limits a container does not set, in resourceFieldRef values. */
  nodeAllocatable?: NodeAllocatable;
  /** For the burstable OOM score (default: this machine's memory). */
  memoryCapacityBytes?: number;
  clusterDomain?: string;
  recordEvent?: RecordPodEvent;
}

export interface BuiltContainerConfig {
  config: ContainerConfig;
  /** Host path of the termination-message file, to read when the container has exited. */
  terminationMessageHostPath?: string;
  /** The resolved environment (also in config.envs). */
  env: Map<string, string>;
}

const asConfigError = (err: unknown): CreateContainerConfigError =>
  err instanceof CreateContainerConfigError ? err : new CreateContainerConfigError(err instanceof Error ? err.message : String(err));

/** Builds the config, writing the pod's /etc/hosts and the termination-message file on the way. */
export async function buildContainerConfig(pod: Pod, container: Container, opts: ContainerConfigOptions): Promise<BuiltContainerConfig> {
  const nonRoot = verifyRunAsNonRoot(pod, container, opts.imageUser);
  if (nonRoot) throw new CreateContainerConfigError(nonRoot);
  // A host-network pod has the node's addresses (the runtime reports none for its sandbox).
  const podIPs = opts.podIPs.length || !pod.spec?.hostNetwork ? opts.podIPs : (opts.hostIPs ?? []);
  try {
    const env = await containerEnv(pod, container, {
      context: opts.context, podIPs, hostIPs: opts.hostIPs, nodeAllocatable: opts.nodeAllocatable, recordEvent: opts.recordEvent,
    });
    const { hostname, domain } = podHostnameAndDomain(pod, opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
    const { mounts, terminationMessageHostPath } = await containerMounts(pod, container, {
      dataDir: opts.dataDir, volumes: opts.volumes, env, podIPs, hostname, domain,
    });
    const config: ContainerConfig = {
      metadata: { name: container.name, attempt: opts.restartCount },
      image: { image: opts.imageRef ?? container.image ?? '' },
      ...expandCommandAndArgs(container.command, container.args, env),
      envs: [...env].map(([key, value]) => ({ key, value })),
      mounts,
      labels: containerLabels(pod, container),
      annotations: containerAnnotations(pod, container, opts.restartCount),
      logPath: containerLogPath(container.name, opts.restartCount),
      stdin: container.stdin === true,
      stdinOnce: container.stdinOnce === true,
      tty: container.tty === true,
      linux: {
        resources: containerLinuxResources(pod, container, opts.memoryCapacityBytes ?? totalmem()),
        securityContext: containerSecurityContext(pod, container, opts.imageUser, opts),
      },
    };
    if (container.workingDir) config.workingDir = container.workingDir;
    return { config, env, ...(terminationMessageHostPath ? { terminationMessageHostPath } : {}) };
  } catch (err) {
    throw asConfigError(err);
  }
}
