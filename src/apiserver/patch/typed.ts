// Schema-aware operations on objects for server-side apply, after structured-merge-diff's
// typed package: the field set of an object, merging an applied configuration into a live
// object, comparing two objects, and removing a set of fields.
// An object node is granular (merged and owned key by key) unless marked atomic; a list is
// atomic unless its schema says `map` (items keyed by listMapKeys) or `set` (primitive items).
// Fields the schema does not describe are objects merged key by key and atomic lists.
// Hand-written: structured-merge-diff exists only in Go.

import { type JsonObject, type JsonValue, deepEqual, isObject } from './json.js';
import { FieldSet, type Path, type PathElement, fieldPE, keyPE, pathString, serializePE } from './fieldpath.js';
import { type SchemaNode, fieldSchema, itemSchema } from './patch-meta.js';

/** Raised for values the schema cannot index (keyed items without keys, duplicates in an applied config). */
export class TypedError extends Error {
  override name = 'TypedError';
}

type Shape = 'object' | 'list' | 'leaf';

const isEmptyish = (v: JsonValue | undefined): boolean =>
  v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);

/** How a node is walked, given the values it holds (a value of the wrong type is a leaf). */
function shapeOf(node: SchemaNode | undefined, ...values: (JsonValue | undefined)[]): Shape {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length === 0) return 'leaf';
  if (!node || node.type === 'struct' || node.type === 'map') {
    if (node?.atomic || !present.every(isObject)) return 'leaf';
    return 'object';
  }
  if (node.type === 'list' && node.listType !== 'atomic' && present.every(Array.isArray)) return 'list';
  return 'leaf';
}

/** Keys of a map node are data; struct fields (and undescribed objects) are named fields. */
const isNamedFieldNode = (node: SchemaNode | undefined): boolean => node?.type !== 'map';

/** The path element of a list item: its key fields (with defaults) or, in a set, its value. */
export function itemPE(node: SchemaNode | undefined, item: JsonValue, path: Path, index: number): PathElement {
  if (node?.type !== 'list' || node.listType !== 'map') return { value: item };
  if (!isObject(item)) throw new TypedError(`${pathString(path)}: element ${index}: associative list with keys may not have non-map elements`);
  const keys = node.listMapKeys ?? [];
  const fields: Record<string, JsonValue> = {};
  for (const k of keys) {
    if (k in item && item[k] !== undefined) fields[k] = item[k];
    else if (node.keyDefaults && k in node.keyDefaults) fields[k] = node.keyDefaults[k];
  }
  if (keys.length > 0 && Object.keys(fields).length === 0) {
    throw new TypedError(
      `${pathString(path)}: element ${index}: associative list with keys has an element that omits all key fields ${JSON.stringify(keys)} (and doesn't have default values for any key fields)`,
    );
  }
  return keyPE(fields);
}

interface IndexedItem {
  pe: PathElement;
  key: string;
  item: JsonValue;
}

function indexItems(node: SchemaNode | undefined, items: JsonValue[], path: Path): IndexedItem[] {
  return items.map((item, i) => {
    const pe = itemPE(node, item, path, i);
    return { pe, key: serializePE(pe), item };
  });
}

/** ToFieldSet: every leaf, every list item, and every empty or null object value of `value`. */
export function toFieldSet(value: JsonValue, node: SchemaNode | undefined, opts: { allowDuplicates?: boolean } = {}): FieldSet {
  const set = new FieldSet();
  const walk = (v: JsonValue, n: SchemaNode | undefined, path: Path): void => {
    const shape = shapeOf(n, v);
    if (shape === 'leaf') {
      set.insert(path);
      return;
    }
    if (shape === 'object') {
      for (const [k, child] of Object.entries(v as JsonObject)) {
        const childPath = [...path, fieldPE(k)];
        walk(child, fieldSchema(n, k), childPath);
        // Empty and null values are owned as such; so is every key of a map[string]X.
        if (child === null || (isObject(child) && Object.keys(child).length === 0) || !isNamedFieldNode(n)) set.insert(childPath);
      }
      return;
    }
    const items = indexItems(n, v as JsonValue[], path);
    const counts = new Map<string, number>();
    for (const it of items) counts.set(it.key, (counts.get(it.key) ?? 0) + 1);
    const seen = new Set<string>();
    for (const it of items) {
      if ((counts.get(it.key) ?? 0) > 1) {
        if (!opts.allowDuplicates) throw new TypedError(`${pathString(path)}: duplicate entries for key ${pathString([it.pe])}`);
        if (!seen.has(it.key)) set.insert([...path, it.pe]);
        seen.add(it.key);
        continue;
      }
      walk(it.item, itemSchema(n), [...path, it.pe]);
      set.insert([...path, it.pe]);
    }
  };
  walk(value, node, []);
  return set;
}

/** Merges an applied configuration (rhs) into a live object (lhs): rhs wins on leaves. */
export function mergeTyped(lhs: JsonValue | undefined, rhs: JsonValue | undefined, node: SchemaNode | undefined, path: Path = []): JsonValue | undefined {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return rhs;
  const shape = shapeOf(node, lhs, rhs);
  if (shape === 'leaf' || (isEmptyish(lhs) && isEmptyish(rhs))) return rhs;
  if (shape === 'object') {
    if (lhs === null) return rhs;
    if (rhs === null) return lhs;
    const out: JsonObject = {};
    const l = lhs as JsonObject;
    const r = rhs as JsonObject;
    for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) {
      const m = mergeTyped(l[k], r[k], fieldSchema(node, k), [...path, fieldPE(k)]);
      if (m !== undefined) out[k] = m;
    }
    return out;
  }
  return mergeLists((lhs ?? []) as JsonValue[], (rhs ?? []) as JsonValue[], node, path);
}

/**
 * structured-merge-diff's list merge: items of both lists merge by key; the applied list's
 * order wins for its items, and live-only items keep their place relative to them.
 */
function mergeLists(lhs: JsonValue[], rhs: JsonValue[], node: SchemaNode | undefined, path: Path): JsonValue[] {
  const items = itemSchema(node);
  const left = indexItems(node, lhs, path);
  const right = indexItems(node, rhs, path);
  const leftByKey = new Map<string, JsonValue | null>();
  for (const it of left) leftByKey.set(it.key, leftByKey.has(it.key) ? null : it.item);
  const rightByKey = new Map<string, JsonValue>();
  for (const it of right) {
    if (rightByKey.has(it.key)) throw new TypedError(`${pathString(path)}: duplicate entries for key ${pathString([it.pe])}`);
    rightByKey.set(it.key, it.item);
  }
  const shared = right.filter((it) => leftByKey.has(it.key)).map((it) => it.key);
  let nextShared = shared.shift();
  const emitted = new Set<string>();
  const out: JsonValue[] = [];
  const emit = (l: JsonValue | undefined, r: JsonValue | undefined, pe: PathElement) => {
    const m = mergeTyped(l ?? undefined, r, items, [...path, pe]);
    if (m !== undefined) out.push(m);
  };
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i < left.length && j < right.length) {
      if (left[i].key === right[j].key) {
        const k = left[i].key;
        emitted.add(k);
        emit(leftByKey.get(k) ?? undefined, rightByKey.get(k), left[i].pe);
        i++;
        j++;
        nextShared = shared.shift();
        continue;
      }
      if (rightByKey.has(left[i].key) && nextShared !== undefined && nextShared !== left[i].key) {
        i++;
        continue;
      }
    }
    if (i < left.length) {
      if (!rightByKey.has(left[i].key)) {
        emit(left[i].item, undefined, left[i].pe);
        i++;
        continue;
      } else if (emitted.has(left[i].key)) {
        i++;
      }
    }
    if (j < right.length) {
      const k = right[j].key;
      emitted.add(k);
      emit(leftByKey.get(k) ?? undefined, rightByKey.get(k), right[j].pe);
      j++;
      if (nextShared === k) nextShared = shared.shift();
    }
  }
  return out;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** The fields added, modified and removed going from lhs to rhs (typed.Compare). */
export function compareTyped(lhs: JsonValue | undefined, rhs: JsonValue | undefined, node: SchemaNode | undefined): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const walk = (l: JsonValue | undefined, r: JsonValue | undefined, n: SchemaNode | undefined, path: Path): void => {
    const shape = shapeOf(n, l, r);
    // Nothing below an unchanged object or list is added, modified or removed: a status write
    // does not walk the spec.
    if (shape !== 'leaf' && l !== undefined && r !== undefined && deepEqual(l, r)) return;
    if (shape === 'leaf' || (isEmptyish(l) && isEmptyish(r))) {
      if (l === undefined) c.added.insert(path);
      else if (r === undefined) c.removed.insert(path);
      else if (!deepEqual(l, r)) c.modified.insert(path);
      return;
    }
    if (shape === 'object') {
      const lo = isObject(l) ? l : undefined;
      const ro = isObject(r) ? r : undefined;
      for (const k of new Set([...Object.keys(lo ?? {}), ...Object.keys(ro ?? {})])) {
        const child = fieldSchema(n, k);
        // A non-pointer struct (or a list without omitempty) is always in Go's serialization,
        // empty or null, so it is never added or removed itself.
        const implicit = child && child.type !== 'scalar' && child.alwaysPresent ? (child.type === 'list' ? null : {}) : undefined;
        const lv = lo && k in lo ? lo[k] : l !== undefined ? implicit : undefined;
        const rv = ro && k in ro ? ro[k] : r !== undefined ? implicit : undefined;
        if (lv === undefined && rv === undefined) continue;
        walk(lv, rv, child, [...path, fieldPE(k)]);
      }
    } else {
      walkLists(Array.isArray(l) ? l : [], Array.isArray(r) ? r : [], n, path);
    }
    if (path.length > 0) {
      if (l === undefined) c.added.insert(path);
      else if (r === undefined) c.removed.insert(path);
    }
  };
  const walkLists = (l: JsonValue[], r: JsonValue[], n: SchemaNode | undefined, path: Path): void => {
    const group = (items: IndexedItem[]) => {
      const m = new Map<string, IndexedItem[]>();
      for (const it of items) m.set(it.key, [...(m.get(it.key) ?? []), it]);
      return m;
    };
    const lg = group(indexItems(n, l, path));
    const rg = group(indexItems(n, r, path));
    for (const key of new Set([...lg.keys(), ...rg.keys()])) {
      const ls = lg.get(key) ?? [];
      const rs = rg.get(key) ?? [];
      const pe = (ls[0] ?? rs[0]).pe;
      const itemPath = [...path, pe];
      if (ls.length <= 1 && rs.length <= 1) walk(ls[0]?.item, rs[0]?.item, itemSchema(n), itemPath);
      else if (ls.length >= 2 && rs.length >= 2) {
        if (!deepEqual(ls.map((x) => x.item), rs.map((x) => x.item))) c.modified.insert(itemPath);
      } else if (ls.length >= 2) {
        if (rs.length) walk(undefined, rs[0].item, itemSchema(n), itemPath);
        c.removed.insert(itemPath);
      } else {
        if (ls.length) walk(ls[0].item, undefined, itemSchema(n), itemPath);
        c.added.insert(itemPath);
      }
    }
  };
  walk(lhs, rhs, node, []);
  return c;
}

/** RemoveItems: drops every member of `set` (with what is under it); emptied objects and lists vanish. */
export function removeItems(value: JsonValue, set: FieldSet, node: SchemaNode | undefined, path: Path = []): JsonValue | undefined {
  const shape = shapeOf(node, value);
  if (shape === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value as JsonObject)) {
      const pe = fieldPE(k);
      if (set.hasMember(pe)) continue;
      const sub = set.withPrefix(pe);
      if (sub.isEmpty()) out[k] = v;
      else {
        const kept = removeItems(v, sub, fieldSchema(node, k), [...path, pe]);
        if (kept !== undefined) out[k] = kept;
      }
    }
    return Object.keys(out).length > 0 || Object.keys(value as JsonObject).length === 0 ? out : undefined;
  }
  if (shape === 'list') {
    const out: JsonValue[] = [];
    for (const it of indexItems(node, value as JsonValue[], path)) {
      if (set.hasMember(it.pe)) continue;
      const sub = set.withPrefix(it.pe);
      if (sub.isEmpty()) out.push(it.item);
      else {
        const kept = removeItems(it.item, sub, itemSchema(node), [...path, it.pe]);
        if (kept !== undefined) out.push(kept);
      }
    }
    return out.length > 0 || (value as JsonValue[]).length === 0 ? out : undefined;
  }
  return value;
}

/** EnsureNamedFieldsAreMembers: a struct field with owned children counts as owned itself. */
export function ensureNamedFieldsAreMembers(set: FieldSet, node: SchemaNode | undefined): FieldSet {
  const out = new FieldSet();
  for (const pe of set.members()) out.insert([pe]);
  for (const { pe, set: child } of set.children()) {
    const isField = 'field' in pe;
    if (isField && isNamedFieldNode(node)) out.insert([pe]);
    const childNode = isField ? fieldSchema(node, pe.field) : itemSchema(node);
    const sub = ensureNamedFieldsAreMembers(child, childNode);
    for (const p of sub.paths()) out.insert([pe, ...p]);
  }
  return out;
}
