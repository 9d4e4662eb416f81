// ConfigMaps: data (UTF-8) and binaryData (base64) with config keys, 1 MiB in all, optionally immutable.
import { ErrorList, type FieldPath, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { isConfigMapKey } from '../../../../apimachinery/names.js';
import { plainStrategy } from '../../generic/strategies.js';

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
  immutable?: boolean;
}

/** Kubernetes' limit on the data of a ConfigMap or Secret (1 MiB). */
export const MAX_DATA_BYTES = 1024 * 1024;

export function validateDataKeys(data: Record<string, unknown> | undefined, path: FieldPath, errs: ErrorList, seen: Set<string>): number {
  let total = 0;
  for (const [key, value] of Object.entries(data ?? {})) {
    for (const msg of isConfigMapKey(key)) errs.invalid(path, key, msg);
    if (seen.has(key)) errs.invalid(path, key, 'duplicate of key present in binaryData');
    seen.add(key);
    if (typeof value !== 'string') errs.invalid(path.key(key), value, 'must be a string');
    else total += Buffer.byteLength(value);
  }
  return total;
}

export const validateImmutable = <T extends KubeObject & { immutable?: boolean; data?: unknown; binaryData?: unknown; stringData?: unknown }>(obj: T, old: T): ErrorList => {
  const errs = new ErrorList();
  if (old.immutable === true) {
    if (obj.immutable !== true) errs.forbidden(root('immutable'), 'field is immutable when `immutable` is set');
    if (JSON.stringify(obj.data ?? {}) !== JSON.stringify(old.data ?? {}) || JSON.stringify(obj.binaryData ?? {}) !== JSON.stringify(old.binaryData ?? {})) {
      errs.forbidden(root('data'), 'field is immutable when `immutable` is set');
    }
  }
  return errs;
};

export const configMapStrategy = plainStrategy<ConfigMap>({
  validate: (cm) => {
    const errs = new ErrorList();
    const seen = new Set<string>();
    let total = validateDataKeys(cm.data, root('data'), errs, seen);
    total += validateDataKeys(cm.binaryData, root('binaryData'), errs, seen);
    if (total > MAX_DATA_BYTES) errs.tooLong(root(''), MAX_DATA_BYTES);
    return errs;
  },
  validateUpdate: validateImmutable,
});
