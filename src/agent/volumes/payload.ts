// The files of configMap, secret and downwardAPI volumes (and of projected sources), with the
// kubelet's rules (configmap.MakePayload, secret.MakePayload, downwardapi.CollectData): all keys
// or the listed items, item mode over defaultMode, a missing key an error unless optional.
import type { ConfigMap, DownwardAPIVolumeFile, KeyToPath, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { containerResourceValue, extractFieldPathAsString, type NodeAllocatable } from '../kuberuntime/fieldpath.js';
import type { Payload } from './atomic-writer.js';

/** The API's default for defaultMode and item modes. */
export const DEFAULT_MODE = 0o644;

function fromData(data: Map<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean, missing: (key: string) => string): Payload {
  const payload: Payload = new Map();
  if (!items?.length) {
    for (const [key, value] of data) payload.set(key, { data: value, mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    const value = data.get(item.key);
    if (value === undefined) {
      if (optional) continue;
      throw new Error(missing(item.key));
    }
    payload.set(item.path, { data: value, mode: item.mode ?? defaultMode });
  }
  return payload;
}

/** A missing ConfigMap (optional) is passed as undefined and gives no files. */
export function configMapPayload(cm: ConfigMap | undefined, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm?.data ?? {})) data.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm?.binaryData ?? {})) data.set(k, Buffer.from(v, 'base64'));
  return fromData(data, items, defaultMode, optional, (key) => `configmap references non-existent config key: ${key}`);
}

export function secretPayload(secret: Secret | undefined, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret?.data ?? {})) data.set(k, Buffer.from(v, 'base64'));
  return fromData(data, items, defaultMode, optional, (key) => `references non-existent secret key: ${key}`);
}

/** Downward API files; every failing item is reported, joined as the kubelet's error list. */
export function downwardAPIPayload(pod: Pod, items: DownwardAPIVolumeFile[] | undefined, defaultMode: number, allocatable?: NodeAllocatable): Payload {
  const payload: Payload = new Map();
  const errors: string[] = [];
  for (const item of items ?? []) {
    const path = item.path.split('/').filter((s) => s !== '' && s !== '.').join('/');
    const mode = item.mode ?? defaultMode;
    try {
      if (item.fieldRef) {
        payload.set(path, { data: Buffer.from(extractFieldPathAsString(pod, item.fieldRef.fieldPath)), mode });
      } else if (item.resourceFieldRef) {
        const name = item.resourceFieldRef.containerName;
        const container = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name);
        if (!container) throw new Error(`container ${name ?? ''} not found`);
        payload.set(path, { data: Buffer.from(containerResourceValue(item.resourceFieldRef, container, allocatable)), mode });
      }
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (errors.length === 1) throw new Error(errors[0]);
  if (errors.length > 1) throw new Error(`[${errors.join(', ')}]`);
  return payload;
}

/** Joins payloads (projected volumes); later sources win a path collision, as upstream. */
export function mergePayloads(parts: Payload[]): Payload {
  const out: Payload = new Map();
  for (const p of parts) for (const [k, v] of p) out.set(k, v);
  return out;
}
