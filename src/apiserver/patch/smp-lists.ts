// List handling for strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch):
// merging by merge key, `$patch: delete|replace` items, primitive sets, deletion lists and the
// order rules (patch order first, then server-only items where they were, $setElementOrder wins).

import { type JsonObject, type JsonValue, goFormat, goTypeName, isObject } from './json.js';
import { patchNotApplicable, unwrappedServerError } from './patch-errors.js';

export const DIRECTIVE = '$patch';

type ElementKind = 'map' | 'primitive';

// ---- errors with the texts of k8s.io/apimachinery/pkg/util/mergepatch ----

export const errNoMergeKey = (m: unknown, key: string) => unwrappedServerError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
export const errBadArgType = (expected: string, actual: unknown) =>
  unwrappedServerError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
export const errBadPatchType = (t: unknown, m: unknown) => unwrappedServerError(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`);

/** The element kind shared by all items of the lists; Kubernetes rejects mixed lists and lists of lists. */
export function sliceElementKind(...lists: JsonValue[][]): ElementKind | undefined {
  let kind: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = Array.isArray(v) ? 'list' : isObject(v) ? 'map' : v === null ? 'nil' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : typeof v;
      if (kind === undefined) {
        if (k === 'list') throw patchNotApplicable(); // mergepatch.ErrNoListOfLists
        kind = k;
      } else if (kind !== k) {
        throw unwrappedServerError(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  if (kind === undefined) return undefined;
  return kind === 'map' ? 'map' : 'primitive';
}

const keyOf = (item: JsonValue, mergeKey: string): JsonValue | undefined => (isObject(item) ? item[mergeKey] : undefined);

/** strategicpatch's index(): position of an item in `list`, by merge key value for maps. */
function indexIn(list: readonly JsonValue[], item: JsonValue, mergeKey: string, kind: ElementKind): number {
  if (kind === 'map') {
    const want = keyOf(item, mergeKey);
    return list.findIndex((v) => keyOf(v, mergeKey) === want);
  }
  return list.indexOf(item);
}

function requireMergeKeys(mergeKey: string, ...lists: JsonValue[][]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw errBadArgType('map[string]interface {}', item);
      if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
    }
  }
}

/** Stable sort of `items` by their position in `order`; `$patch: delete` items go last. */
function sortByOrder(items: JsonValue[], order: JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  let deletes: JsonValue[] = [];
  if (kind === 'map') {
    requireMergeKeys(mergeKey, items, order);
    deletes = items.filter((v) => isObject(v) && v[DIRECTIVE] === 'delete');
    items = items.filter((v) => !(isObject(v) && v[DIRECTIVE] === 'delete'));
  }
  const ranked = items.map((v, i) => ({ v, i, at: indexIn(order, v, mergeKey, kind) }));
  ranked.sort((a, b) => (a.at >= 0 && b.at >= 0 && a.at !== b.at ? a.at - b.at : a.i - b.i));
  return [...ranked.map((r) => r.v), ...deletes];
}

/**
 * Interleaves server-only items (left, in live order) with patch items (right, in patch order):
 * a server item goes before a patch item only when both are in the live list and it came first
 * there, so items new to the list come before the server-only items that follow them.
 */
function mergeSorted(left: JsonValue[], right: JsonValue[], serverOrder: JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Splits `merged` into the items named in `by` and the rest, keeping their order. */
export function partition(merged: JsonValue[], by: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const inBy: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const v of merged) {
    let found: boolean;
    if (mergeKey) {
      if (!isObject(v)) throw errBadArgType('map[string]interface {}', v);
      if (!(mergeKey in v)) throw errNoMergeKey(v, mergeKey);
      found = by.some((b, k) => {
        if (!isObject(b)) throw unwrappedServerError(`value for key ${k} is not a map`);
        return mergeKey in b && b[mergeKey] === v[mergeKey];
      });
    } else {
      found = by.includes(v);
    }
    (found ? inBy : rest).push(v);
  }
  return [inBy, rest];
}

export function normalizeElementOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string,
  kind: ElementKind,
): JsonValue[] {
  const p = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const s = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSorted(s, p, serverOrder, mergeKey, kind);
}

const dedupe = (items: JsonValue[]): JsonValue[] => items.filter((v, i) => items.indexOf(v) === i);

export type MergeItem = (original: JsonObject, patch: JsonObject) => JsonObject;
export type CleanValue = (v: JsonValue) => JsonValue | undefined;

/** mergeSlice: merges a patch list into a list whose field has patchStrategy=merge (or a deletion list). */
export function mergeSlice(
  original: JsonValue[],
  patch: JsonValue[],
  mergeKey: string,
  isDeleteList: boolean,
  mergeItem: MergeItem,
  clean: CleanValue,
  fieldName: string,
): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch) ?? 'primitive';
  let merged: JsonValue[];
  let orderPatch = patch;
  if (kind === 'primitive') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    merged = dedupe([...original, ...patch]);
  } else {
    if (!mergeKey) throw unwrappedServerError(`cannot merge lists without merge key for ${fieldName}`);
    let replace = false;
    const plain: JsonObject[] = [];
    for (const v of patch as JsonObject[]) {
      if (!(DIRECTIVE in v)) {
        plain.push(v);
        continue;
      }
      const directive = v[DIRECTIVE];
      if (directive === 'delete') {
        if (!(mergeKey in v)) throw errNoMergeKey(v, mergeKey);
        original = original.filter((o) => !(isObject(o) && mergeKey in o && o[mergeKey] === v[mergeKey]));
      } else if (directive === 'replace') {
        replace = true;
      } else if (directive === 'merge') {
        throw unwrappedServerError('merging lists cannot yet be specified in the patch');
      } else {
        throw errBadPatchType(directive, v);
      }
    }
    if (replace) {
      // `$patch: replace` in a list: the other items of the patch are the whole new list.
      original = plain.map((v) => clean(v)).filter((v): v is JsonValue => v !== undefined);
      orderPatch = [];
      merged = original;
    } else {
      merged = [...original];
      orderPatch = plain;
      for (const v of plain) {
        if (!(mergeKey in v)) throw errNoMergeKey(v, mergeKey);
        const at = merged.findIndex((o) => {
          if (!isObject(o)) throw unwrappedServerError(`value for key ${merged.indexOf(o)} is not a map`);
          return mergeKey in o && o[mergeKey] === v[mergeKey];
        });
        if (at >= 0) merged[at] = mergeItem(merged[at] as JsonObject, v);
        else {
          const added = clean(v);
          if (added !== undefined) merged.push(added);
        }
      }
    }
  }
  const [patchItems, serverOnly] = partition(merged, orderPatch, kind === 'map' ? mergeKey : '');
  return normalizeElementOrder(patchItems, serverOnly, orderPatch, original, kind === 'map' ? mergeKey : '', kind);
}

/** validatePatchWithSetOrderList: patch items must appear in $setElementOrder, in the same relative order. */
export function checkSetElementOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey) {
    for (const v of patchList) if (!isObject(v)) throw errBadArgType('map[string]interface {}', v);
    items = patchList.filter((v) => !(isObject(v) && v[DIRECTIVE] === 'delete'));
  }
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p];
    if (isObject(item) && DIRECTIVE in item) {
      p++;
      continue;
    }
    let equal: boolean;
    if (mergeKey) {
      const o = order[s];
      if (!isObject(item)) throw errBadArgType('map[string]interface {}', item);
      if (!isObject(o)) throw errBadArgType('map[string]interface {}', o);
      if (!(mergeKey in item)) throw errNoMergeKey(item, mergeKey);
      if (!(mergeKey in o)) throw errNoMergeKey(o, mergeKey);
      equal = item[mergeKey] === o[mergeKey];
    } else {
      equal = item === order[s];
    }
    if (equal) p++;
    s++;
  }
  if (p < items.length && s >= order.length) {
    throw unwrappedServerError(`The order in patch list:\n${goFormat(patchList)}\n doesn't match $setElementOrder list:\n${goFormat(order)}\n`);
  }
}
