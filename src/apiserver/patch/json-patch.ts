// RFC 6902 JSON Patch (application/json-patch+json) with kube-apiserver's error mapping:
// a body that is not a list of operation objects is a 400 with Go's decoder message; more than
// 10000 operations is a 413; any operation that fails (a `test` that does not match, a path
// that does not exist, an unknown op) is the fixed 422 from patchNotApplicable().

import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { StatusError } from '../../apimachinery/errors.js';
import { type JsonObject, type JsonValue, clone, isObject } from './json.js';
import { patchDecodeError, patchNotApplicable, patchResultInvalid } from './patch-errors.js';

export const MAX_JSON_PATCH_OPERATIONS = 10000;

const goJsonKind = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
};

/** Checks the shape evanphx/json-patch's DecodePatch enforces: a JSON array of JSON objects. */
export function decodeJsonPatch(patch: unknown): JsonObject[] {
  if (patch === null) return []; // Go decodes `null` into a nil Patch: nothing to do.
  if (!Array.isArray(patch)) {
    throw patchDecodeError(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (!isObject(op) && op !== null) {
      throw patchDecodeError(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new StatusError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`,
    );
  }
  return patch.map((op) => (op === null ? {} : op)) as JsonObject[];
}

const KNOWN_OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/**
 * evanphx/json-patch (v4, the one Kubernetes uses) lets a `test` for null pass when the member
 * is absent from an existing object; fast-json-patch would fail it.
 */
function isNullTestOnMissingMember(doc: JsonValue, op: JsonObject): boolean {
  if (op.op !== 'test' || (op.value !== null && op.value !== undefined) || typeof op.path !== 'string' || op.path === '') return false;
  const parts = op.path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur: JsonValue | undefined = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(part) ? cur[Number(part)] : undefined;
    else if (isObject(cur)) cur = Object.prototype.hasOwnProperty.call(cur, part) ? cur[part] : undefined;
    else return false;
  }
  return isObject(cur) && !Object.prototype.hasOwnProperty.call(cur, parts[parts.length - 1]);
}

/** Applies an RFC 6902 patch to a copy of `doc`. Throws a StatusError as kube-apiserver would. */
export function applyJsonPatch(doc: JsonObject, patch: unknown): JsonObject {
  const ops = decodeJsonPatch(patch);
  let current: JsonValue = clone(doc);
  for (const op of ops) {
    if (typeof op.op !== 'string' || !KNOWN_OPS.has(op.op)) throw patchNotApplicable();
    if (isNullTestOnMissingMember(current, op)) continue;
    try {
      // Validation on: every failure (bad path, failed test, missing value) throws instead of
      // being skipped; the operation is cloned so the result shares nothing with the request.
      current = jsonpatch.applyOperation(current, clone(op) as unknown as Operation, true, true).newDocument as JsonValue;
    } catch {
      throw patchNotApplicable();
    }
  }
  if (!isObject(current)) {
    throw patchResultInvalid(JSON.stringify(current), `json: cannot unmarshal ${goJsonKind(current)} into Go value of type map[string]interface {}`);
  }
  return current;
}
