// RFC 7386 JSON Merge Patch (application/merge-patch+json) as evanphx/json-patch v4 applies it
// for kube-apiserver: objects merge recursively, null deletes a member, anything else (lists
// included) replaces. Values copied in from the patch lose their null members (lists keep
// their null elements), as evanphx's pruneNulls does.
// Hand-written: fast-json-patch has no RFC 7386, and Kubernetes' null pruning must match exactly.

import { type JsonObject, type JsonValue, clone, isObject } from './json.js';
import { patchDecodeError, patchResultInvalid } from './patch-errors.js';

/** evanphx's ErrBadJSONPatch text, returned as a 400 by the PATCH handler. */
export const BAD_MERGE_PATCH_MESSAGE = 'Invalid JSON Patch';

function pruneNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map((item) => (item === null ? null : pruneNulls(item)));
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, val] of Object.entries(v)) if (val !== null) out[k] = pruneNulls(val);
    return out;
  }
  return v;
}

function mergeInto(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [k, pv] of Object.entries(patch)) {
    if (pv === null) {
      delete target[k];
      continue;
    }
    const cur = Object.prototype.hasOwnProperty.call(target, k) ? target[k] : null;
    if (!isObject(cur)) target[k] = pruneNulls(pv);
    else if (isObject(pv)) target[k] = mergeInto(cur, pv);
    else target[k] = pv; // an object replaced by a list or scalar keeps the patch value as sent
  }
  return target;
}

/**
 * Merges `patch` into a copy of `doc` (into `doc` itself with inPlace, for a caller that owns it).
 * Throws a StatusError as kube-apiserver would.
 */
export function applyMergePatch(doc: JsonObject, patch: unknown, opts: { inPlace?: boolean } = {}): JsonObject {
  if (isObject(patch)) return mergeInto(opts.inPlace ? doc : clone(doc), clone(patch));
  if (Array.isArray(patch)) {
    // Go returns the list itself as the patched document, which then fails to decode.
    throw patchResultInvalid(JSON.stringify(pruneNulls(patch)), 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  }
  throw patchDecodeError(BAD_MERGE_PATCH_MESSAGE);
}

/** The pure RFC 7386 algorithm on any JSON values (no Kubernetes error mapping). */
export function mergePatchValue(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return clone(patch);
  return mergeInto(isObject(target) ? clone(target) : {}, clone(patch));
}
