// Setting up one volume of a pod, per source type: where it lives on the host and what goes in it.
// Memory-backed volumes (emptyDir medium Memory, secret, downwardAPI, projected) get a tmpfs so
// their contents never touch the disk, as the kubelet's wrapped emptyDir does.
import type { Pod, Volume } from 'kubernetes-types/core/v1.js';
import { chmod, mkdir } from 'node:fs/promises';
import { podResource } from '../kuberuntime/resources.js';
import type { NodeAllocatable } from '../kuberuntime/fieldpath.js';
import { volumeDir } from '../kuberuntime/paths.js';
import { quantityOf } from '../kuberuntime/qos.js';
import type { VolumeContext } from '../kuberuntime/resolve-context.js';
import { writeAtomically, type Payload } from './atomic-writer.js';
import { checkHostPathType } from './host-path.js';
import type { Mounter } from './mount.js';
import { setVolumeOwnership } from './ownership.js';
import { configMapPayload, DEFAULT_MODE, downwardAPIPayload, mergePayloads, secretPayload } from './payload.js';
import type { TokenManager } from './tokens.js';
import type { MountedVolume } from './types.js';

export const EMPTY_DIR = 'kubernetes.io/empty-dir';
export const HOST_PATH = 'kubernetes.io/host-path';
export const CONFIG_MAP = 'kubernetes.io/configmap';
export const SECRET = 'kubernetes.io/secret';
export const DOWNWARD_API = 'kubernetes.io/downward-api';
export const PROJECTED = 'kubernetes.io/projected';
export const LOCAL_VOLUME = 'kubernetes.io/local-volume';

/** The volume cannot be set up yet and the pod has to wait (an unbound claim). */
export class VolumeNotReadyError extends Error {
  override readonly name = 'VolumeNotReadyError';
}

export interface PluginHost {
  dataDir: string;
  ctx: VolumeContext;
  /** Absent: memory-backed volumes are plain directories (no root; tests). */
  mounter?: Mounter;
  tokens: TokenManager;
  nodeAllocatable?: NodeAllocatable;
}

/** The plugin that serves a volume source, or undefined for a source kite cannot mount. */
export function pluginOf(volume: Volume): string | undefined {
  if (volume.emptyDir) return EMPTY_DIR;
  if (volume.hostPath) return HOST_PATH;
  if (volume.configMap) return CONFIG_MAP;
  if (volume.secret) return SECRET;
  if (volume.downwardAPI) return DOWNWARD_API;
  if (volume.projected) return PROJECTED;
  if (volume.persistentVolumeClaim) return 'kubernetes.io/persistent-volume-claim';
  return undefined;
}

/** Plugins whose contents come from the API and are refreshed while the pod runs. */
export const REFRESHED_PLUGINS = new Set([CONFIG_MAP, SECRET, DOWNWARD_API, PROJECTED]);

/** tmpfs size: node allocatable memory, lowered to the pod's memory limit and then to sizeLimit. */
function memoryVolumeSize(pod: Pod, sizeLimit: string | undefined, host: PluginHost): number | undefined {
  let size = quantityOf(host.nodeAllocatable as Record<string, string> | undefined, 'memory')?.value();
  const limited = (pod.spec?.containers ?? []).every((c) => quantityOf(c.resources?.limits, 'memory'));
  const podLimit = limited ? podResource(pod, 'limits', 'memory')?.value() : undefined;
  if (podLimit && podLimit > 0 && (size === undefined || podLimit <= size)) size = podLimit;
  const own = sizeLimit ? quantityOf({ s: sizeLimit }, 's')?.value() : undefined;
  if (own && own > 0 && (size === undefined || own <= size)) size = own;
  return size;
}

/** Creates the directory, with a tmpfs on it when memory-backed (once). */
async function ensureDir(path: string, mode: number, tmpfs: boolean, host: PluginHost, sizeBytes?: number): Promise<void> {
  await mkdir(path, { recursive: true, mode });
  if (tmpfs && host.mounter && !(await host.mounter.isMountPoint(path))) await host.mounter.mountTmpfs(path, { sizeBytes, mode });
  await chmod(path, mode);
}

async function writeVolume(path: string, payload: Payload, pod: Pod, host: PluginHost, tmpfs: boolean): Promise<void> {
  await ensureDir(path, 0o755, tmpfs, host, memoryVolumeSize(pod, undefined, host));
  const changed = await writeAtomically(path, payload);
  if (changed) await setVolumeOwnership(path, pod.spec?.securityContext?.fsGroup, true);
}

async function projectedPayload(pod: Pod, volume: Volume, host: PluginHost): Promise<Payload> {
  const src = volume.projected ?? {};
  const ns = pod.metadata?.namespace ?? 'default';
  const defaultMode = src.defaultMode ?? DEFAULT_MODE;
  const fsGroup = pod.spec?.securityContext?.fsGroup;
  const parts: Payload[] = [];
  const errors: string[] = [];
  for (const s of src.sources ?? []) {
    try {
      if (s.configMap) {
        const optional = s.configMap.optional === true;
        const cm = await host.ctx.getConfigMap(ns, s.configMap.name ?? '');
        if (!cm && !optional) throw new Error(`configmap "${s.configMap.name ?? ''}" not found`);
        parts.push(configMapPayload(cm, s.configMap.items, defaultMode, optional));
      } else if (s.secret) {
        const optional = s.secret.optional === true;
        const secret = await host.ctx.getSecret(ns, s.secret.name ?? '');
        if (!secret && !optional) throw new Error(`secret "${s.secret.name ?? ''}" not found`);
        parts.push(secretPayload(secret, s.secret.items, defaultMode, optional));
      } else if (s.downwardAPI) {
        parts.push(downwardAPIPayload(pod, s.downwardAPI.items, defaultMode, host.nodeAllocatable));
      } else if (s.serviceAccountToken) {
        const t = s.serviceAccountToken;
        const token = await host.tokens.token(pod, t.audience ?? '', t.expirationSeconds);
        // With fsGroup the token starts private; ownership then opens it to the group (0640).
        parts.push(new Map([[t.path, { data: Buffer.from(token), mode: fsGroup != null ? 0o600 : defaultMode }]]));
      }
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (errors.length) throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
  return mergePayloads(parts);
}

async function persistentVolumeClaim(pod: Pod, volume: Volume, host: PluginHost): Promise<MountedVolume> {
  const ns = pod.metadata?.namespace ?? 'default';
  const src = volume.persistentVolumeClaim ?? { claimName: '' };
  const prefix = `error processing PVC ${ns}/${src.claimName}`;
  const pvc = await host.ctx.getPersistentVolumeClaim(ns, src.claimName);
  if (!pvc) throw new VolumeNotReadyError(`${prefix}: failed to fetch PVC from API server: persistentvolumeclaims "${src.claimName}" not found`);
  if (pvc.metadata?.deletionTimestamp) throw new VolumeNotReadyError(`${prefix}: can't start pod because PVC is being deleted`);
  if (pvc.status?.phase !== 'Bound' || !pvc.spec?.volumeName) throw new VolumeNotReadyError(`${prefix}: PVC is not bound`);
  const pv = await host.ctx.getPersistentVolume(pvc.spec.volumeName);
  if (!pv) throw new VolumeNotReadyError(`${prefix}: persistentvolumes "${pvc.spec.volumeName}" not found`);
  const readOnly = src.readOnly === true;
  if (pv.spec?.hostPath) {
    await checkHostPathType(pv.spec.hostPath.path, pv.spec.hostPath.type);
    return { hostPath: pv.spec.hostPath.path, readOnly, plugin: HOST_PATH };
  }
  if (pv.spec?.local) return { hostPath: pv.spec.local.path, readOnly, plugin: LOCAL_VOLUME };
  throw new Error(`PersistentVolume "${pvc.spec.volumeName}" has no hostPath or local source, the only kinds kite mounts`);
}

/** Sets up (or refreshes) one volume; idempotent. */
export async function setUpVolume(pod: Pod, volume: Volume, host: PluginHost): Promise<MountedVolume> {
  const uid = pod.metadata?.uid ?? '';
  const ns = pod.metadata?.namespace ?? 'default';
  const plugin = pluginOf(volume);
  const dir = plugin ? volumeDir(host.dataDir, uid, plugin, volume.name) : '';
  if (volume.emptyDir) {
    const memory = volume.emptyDir.medium === 'Memory';
    const fresh = !((await host.mounter?.isMountPoint(dir)) ?? false);
    await ensureDir(dir, 0o777, memory, host, memory ? memoryVolumeSize(pod, volume.emptyDir.sizeLimit, host) : undefined);
    if (fresh) await setVolumeOwnership(dir, pod.spec?.securityContext?.fsGroup, false);
    return { hostPath: dir, readOnly: false, plugin: EMPTY_DIR };
  }
  if (volume.hostPath) {
    await checkHostPathType(volume.hostPath.path, volume.hostPath.type);
    return { hostPath: volume.hostPath.path, readOnly: false, plugin: HOST_PATH };
  }
  if (volume.configMap) {
    const src = volume.configMap;
    const optional = src.optional === true;
    const cm = await host.ctx.getConfigMap(ns, src.name ?? '');
    if (!cm && !optional) throw new Error(`configmap "${src.name ?? ''}" not found`);
    await writeVolume(dir, configMapPayload(cm, src.items, src.defaultMode ?? DEFAULT_MODE, optional), pod, host, false);
    return { hostPath: dir, readOnly: true, plugin: CONFIG_MAP };
  }
  if (volume.secret) {
    const src = volume.secret;
    const optional = src.optional === true;
    const secret = await host.ctx.getSecret(ns, src.secretName ?? '');
    if (!secret && !optional) throw new Error(`secret "${src.secretName ?? ''}" not found`);
    await writeVolume(dir, secretPayload(secret, src.items, src.defaultMode ?? DEFAULT_MODE, optional), pod, host, true);
    return { hostPath: dir, readOnly: true, plugin: SECRET };
  }
  if (volume.downwardAPI) {
    const src = volume.downwardAPI;
    await writeVolume(dir, downwardAPIPayload(pod, src.items, src.defaultMode ?? DEFAULT_MODE, host.nodeAllocatable), pod, host, true);
    return { hostPath: dir, readOnly: true, plugin: DOWNWARD_API };
  }
  if (volume.projected) {
    await writeVolume(dir, await projectedPayload(pod, volume, host), pod, host, true);
    return { hostPath: dir, readOnly: true, plugin: PROJECTED };
  }
  if (volume.persistentVolumeClaim) return persistentVolumeClaim(pod, volume, host);
  const kind = Object.keys(volume).find((k) => k !== 'name') ?? 'unknown';
  throw new Error(`volume type ${kind} is not supported by kite`);
}
