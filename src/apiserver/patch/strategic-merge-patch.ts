// Strategic merge patch (application/strategic-merge-patch+json), the server side of
// k8s.io/apimachinery/pkg/util/strategicpatch (StrategicMergeMapPatch):
// - objects merge key by key, `null` deletes a key;
// - lists whose field has patchStrategy=merge merge by patchMergeKey (lists of primitives merge
//   as sets); other lists, and lists of fields kite has no metadata for, are replaced;
// - directives: `$patch: replace|delete` in an object, `$patch: delete|replace` items in a list,
//   `$retainKeys`, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`.
// Values copied into the result lose their directives and null members (Kubernetes decodes the
// result into a typed object, which drops both). `$patch: merge` is rejected, as upstream does.
// Hand-written: no JavaScript library implements strategic merge patch.

import { type JsonObject, type JsonValue, clone, isObject } from './json.js';
import { patchDecodeError } from './patch-errors.js';
import { type SchemaNode, fieldSchema, itemSchema } from './patch-meta.js';
import { DIRECTIVE, checkSetElementOrder, errBadArgType, errBadPatchType, mergeSlice, normalizeElementOrder, partition, sliceElementKind } from './smp-lists.js';

const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

// The texts of k8s.io/apimachinery/pkg/util/mergepatch errors that the PATCH handler turns into 400s.
const BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
const BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const BAD_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';

const isDirectiveKey = (k: string): boolean =>
  k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER);

/**
 * A patch value copied into the result as is (its key was absent or of another type): drop
 * directives, `$patch: delete` objects and null members. Returns undefined when nothing is left.
 */
function cleanValue(v: JsonValue): JsonValue | undefined {
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (const item of v) {
      if (isObject(item) && DIRECTIVE in item) continue;
      out.push(item === null ? null : (cleanValue(item) as JsonValue));
    }
    return out;
  }
  if (isObject(v)) {
    if (DIRECTIVE in v && v[DIRECTIVE] !== 'replace') return undefined;
    const out: JsonObject = {};
    for (const [k, val] of Object.entries(v)) {
      if (val === null || isDirectiveKey(k)) continue;
      const c = cleanValue(val);
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  return v;
}

const goKind = (v: JsonValue | undefined): string => {
  if (Array.isArray(v)) return 'slice';
  if (isObject(v)) return 'map';
  if (v === null || v === undefined) return 'nil';
  return typeof v === 'number' ? (Number.isInteger(v) ? 'int64' : 'float64') : typeof v;
};

function suffix(key: string, prefix: string, message: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw patchDecodeError(message);
  return key.slice(slash + 1);
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!(RETAIN_KEYS in patch)) return;
  const keys = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(keys)) throw patchDecodeError(BAD_RETAIN_KEYS);
  const retain = new Set<JsonValue>(keys);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!retain.has(k)) throw patchDecodeError(BAD_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!retain.has(k)) delete original[k];
}

/** mergePatchIntoOriginal: each `$setElementOrder/<field>` with its list, merged and reordered. */
function applySetElementOrder(original: JsonObject, patch: JsonObject, node: SchemaNode | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType('[]interface {}', order);
    const field = suffix(key, SET_ELEMENT_ORDER, BAD_SET_ELEMENT_ORDER);
    const hasOriginal = field in original;
    const hasPatch = field in patch;
    const ov = original[field];
    const pv = patch[field];
    if (hasOriginal && !Array.isArray(ov)) throw errBadArgType('[]interface {}', ov);
    if (hasPatch && !Array.isArray(pv)) throw errBadArgType('[]interface {}', pv);
    const origList = hasOriginal ? (ov as JsonValue[]) : [];
    const patchList = hasPatch ? (pv as JsonValue[]) : [];
    const listNode = fieldSchema(node, field);
    const mergeKey = listNode?.type === 'list' ? (listNode.patchMergeKey ?? '') : '';
    checkSetElementOrder(patchList, order, mergeKey);
    let merged: JsonValue[];
    if (hasOriginal && !hasPatch) merged = origList;
    else if (!hasOriginal && hasPatch) merged = cleanValue(patchList) as JsonValue[];
    else if (hasOriginal && hasPatch) merged = mergeListField(origList, patchList, listNode, field, false);
    else continue;
    const kind = sliceElementKind(origList, patchList);
    if (kind === undefined) {
      original[field] = merged;
    } else {
      const [patchItems, serverOnly] = partition(merged, order, mergeKey);
      original[field] = normalizeElementOrder(patchItems, serverOnly, order, origList, mergeKey, kind);
    }
    delete patch[field];
  }
}

function mergeListField(original: JsonValue[], patch: JsonValue[], node: SchemaNode | undefined, field: string, isDeleteList: boolean): JsonValue[] {
  const list = node?.type === 'list' ? node : undefined;
  if (list?.patchStrategy !== 'merge' && !isDeleteList) return cleanValue(patch) as JsonValue[];
  const items = itemSchema(node);
  return mergeSlice(original, patch, list?.patchMergeKey ?? '', isDeleteList, (o, p) => mergeObject(o, p, items), cleanValue, field);
}

/** mergeMap: merges `patch` into `original` (both owned by the caller, mutated in place). */
function mergeObject(original: JsonObject, patch: JsonObject, node: SchemaNode | undefined): JsonObject {
  if (DIRECTIVE in patch) {
    const directive = patch[DIRECTIVE];
    if (directive === 'replace') {
      delete patch[DIRECTIVE];
      return cleanValue(patch) as JsonObject;
    }
    if (directive === 'delete') return {};
    throw errBadPatchType(directive, patch);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, node);
  for (const rawKey of Object.keys(patch)) {
    const pv = patch[rawKey];
    let key = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      key = suffix(rawKey, DELETE_FROM_PRIMITIVE_LIST, BAD_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (pv === null) {
      delete original[key];
      continue;
    }
    const ov = original[key];
    if (!(key in original) || goKind(ov) !== goKind(pv)) {
      if (isDeleteList) continue;
      const cleaned = cleanValue(pv);
      if (cleaned === undefined) delete original[key];
      else original[key] = cleaned;
      continue;
    }
    const child = fieldSchema(node, key);
    if (isObject(ov) && isObject(pv)) {
      original[key] = child?.type === 'struct' && child.patchStrategy === 'replace' ? (cleanValue(pv) as JsonObject) : mergeObject(ov, pv, child);
    } else if (Array.isArray(ov) && Array.isArray(pv)) {
      original[key] = mergeListField(ov, pv, child, key, isDeleteList);
    } else {
      original[key] = pv;
    }
  }
  return original;
}

/**
 * Applies a strategic merge patch to a copy of `original` (to `original` itself with inPlace, for
 * a caller that owns it), using the schema of its kind (schemaFor(apiVersion, kind)). Throws
 * StatusErrors with kube-apiserver's codes and texts.
 */
export function applyStrategicMergePatch(original: JsonObject, patch: unknown, schema: SchemaNode | undefined, opts: { inPlace?: boolean } = {}): JsonObject {
  if (patch === null) return opts.inPlace ? original : clone(original);
  if (!isObject(patch)) {
    throw patchDecodeError(`json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch} into Go value of type map[string]interface {}`);
  }
  return mergeObject(opts.inPlace ? original : clone(original), clone(patch), schema);
}
