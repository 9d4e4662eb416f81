// The container's mounts (kubelet makeMounts + kuberuntime makeMounts): each volumeMount resolved to
// the volume's host directory (subPath / subPathExpr below it, created if missing, never outside
// it), the pod's managed /etc/hosts, and a fresh termination-message file per container instance.
import { randomUUID } from 'node:crypto';
import { chmod, lstat, mkdir, realpath, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Container, Pod, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { Mount, MountPropagation } from '../runtime/types.js';
import type { PodVolumes } from '../volumes/types.js';
import { CreateContainerConfigError } from './errors.js';
import { ensureHostsFile } from './etc-hosts.js';
import { expandSubPathExpr } from './expansion.js';
import { podContainerDir, podEtcHostsPath } from './paths.js';

export const ETC_HOSTS_PATH = '/etc/hosts';
export const DEFAULT_TERMINATION_MESSAGE_PATH = '/dev/termination-log';

export function mountPropagation(mode: string | undefined): MountPropagation {
  switch (mode ?? 'None') {
    case 'None':
      return 'PROPAGATION_PRIVATE';
    case 'HostToContainer':
      return 'PROPAGATION_HOST_TO_CONTAINER';
    case 'Bidirectional':
      return 'PROPAGATION_BIDIRECTIONAL';
    default:
      throw new CreateContainerConfigError(`invalid MountPropagation mode: "${mode}"`);
  }
}

const within = (base: string, path: string): boolean => {
  const rel = relative(base, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

async function deepestExisting(path: string): Promise<string> {
  for (let p = path; ; p = dirname(p)) {
    try {
      await lstat(p);
      return p;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(p) === p) throw err;
    }
  }
}

/** The host path of `subPath` inside the volume at `volumePath`, created (as a directory) if missing. */
export async function resolveSubPath(volumePath: string, subPath: string, mountName: string, containerName: string): Promise<string> {
  if (isAbsolute(subPath)) throw new CreateContainerConfigError(`error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split('/').includes('..')) throw new CreateContainerConfigError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
  const path = join(volumePath, subPath);
  const base = await realpath(volumePath);
  try {
    await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    // mkdir must not follow a symlinked parent out of the volume (the kubelet's SafeMakeDir).
    const ancestor = await realpath(await deepestExisting(path));
    if (!within(base, ancestor)) throw new CreateContainerConfigError(`subpath "${ancestor}" not within volume path "${base}"`);
    // Created now with the volume's mode, so that a group-writable volume gives a group-writable subPath.
    const mode = (await stat(base)).mode & 0o7777;
    try {
      await mkdir(path, { recursive: true, mode });
      await chmod(path, mode);
    } catch {
      throw new CreateContainerConfigError(`failed to create subPath directory for volumeMount "${mountName}" of container "${containerName}"`);
    }
  }
  // A symlink in the volume must not lead the bind mount out of it (CVE-2017-1002101).
  const real = await realpath(path);
  if (!within(base, real)) throw new CreateContainerConfigError(`subpath "${real}" not within volume path "${base}"`);
  return real;
}

export interface MountOptions {
  dataDir: string;
  volumes: PodVolumes;
  /** The container's environment (for subPathExpr). */
  env: ReadonlyMap<string, string>;
  /** Empty: the pod IP is not known yet, so no /etc/hosts is mounted. */
  podIPs: string[];
  hostname: string;
  domain: string;
}

export interface ContainerMounts {
  mounts: Mount[];
  /** Host path of this instance's termination-message file (read after the container exits). */
  terminationMessageHostPath?: string;
}

async function volumeMount(container: Container, vm: VolumeMount, opts: MountOptions): Promise<Mount> {
  const vol = opts.volumes.get(vm.name);
  if (!vol) throw new CreateContainerConfigError(`cannot find volume "${vm.name}" to mount into container "${container.name}"`);
  let subPath = vm.subPath ?? '';
  if (vm.subPathExpr) {
    try {
      subPath = expandSubPathExpr(vm.subPathExpr, opts.env);
    } catch (err) {
      throw new CreateContainerConfigError((err as Error).message);
    }
  }
  const hostPath = subPath ? await resolveSubPath(vol.hostPath, subPath, vm.name, container.name) : vol.hostPath;
  return { containerPath: vm.mountPath, hostPath, readonly: vm.readOnly === true || vol.readOnly, propagation: mountPropagation(vm.mountPropagation) };
}

export async function containerMounts(pod: Pod, container: Container, opts: MountOptions): Promise<ContainerMounts> {
  const uid = pod.metadata?.uid ?? '';
  const mounts: Mount[] = [];
  for (const vm of container.volumeMounts ?? []) mounts.push(await volumeMount(container, vm, opts));

  if (opts.podIPs.length > 0 && !mounts.some((m) => m.containerPath === ETC_HOSTS_PATH)) {
    const path = podEtcHostsPath(opts.dataDir, uid);
    await ensureHostsFile(path, { podIPs: opts.podIPs, hostname: opts.hostname, domain: opts.domain, aliases: pod.spec?.hostAliases, hostNetwork: pod.spec?.hostNetwork });
    mounts.push({ containerPath: ETC_HOSTS_PATH, hostPath: path, readonly: false, propagation: 'PROPAGATION_PRIVATE' });
  }

  const result: ContainerMounts = { mounts };
  const terminationPath = container.terminationMessagePath ?? DEFAULT_TERMINATION_MESSAGE_PATH;
  if (terminationPath) {
    const dir = podContainerDir(opts.dataDir, uid, container.name);
    await mkdir(dir, { recursive: true });
    const file = join(dir, randomUUID().slice(0, 8));
    await writeFile(file, '', { mode: 0o666 });
    await chmod(file, 0o666); // the umask must not keep a non-root container from writing it
    mounts.push({ containerPath: terminationPath, hostPath: file, readonly: false, propagation: 'PROPAGATION_PRIVATE' });
    result.terminationMessageHostPath = file;
  }
  return result;
}
