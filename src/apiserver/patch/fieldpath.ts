// Field paths and field sets as sigs.k8s.io/structured-merge-diff/fieldpath defines them, with
// the FieldsV1 encoding stored in metadata.managedFields:
//   f:<name>          a field of an object          .name
//   k:{"name":"x"}    a list item by its key fields  [name="x"]
//   v:"x"             an item of a set              [="x"]
//   i:0               a list item by index          [0]
//   .                 the node itself is a member (next to its children)

import { type JsonObject, type JsonValue, goJson, isObject } from './json.js';

export type PathElement =
  | { field: string }
  | { key: readonly (readonly [string, JsonValue])[] }
  | { value: JsonValue }
  | { index: number };

export type Path = readonly PathElement[];

export const fieldPE = (field: string): PathElement => ({ field });

/** A key path element; its fields are sorted by name, as structured-merge-diff keeps them. */
export const keyPE = (fields: Record<string, JsonValue>): PathElement => ({
  key: Object.keys(fields)
    .sort()
    .map((k) => [k, fields[k]] as const),
});

/** The FieldsV1 text of a path element; equal elements have equal texts. */
export function serializePE(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  if ('key' in pe) return `k:{${pe.key.map(([k, v]) => `${goJson(k)}:${goJson(v)}`).join(',')}}`;
  if ('value' in pe) return `v:${goJson(pe.value)}`;
  return `i:${pe.index}`;
}

export function parsePE(text: string): PathElement {
  if (text.length < 2 || text[1] !== ':') throw new Error(`missing colon: ${text}`);
  const rest = text.slice(2);
  switch (text[0]) {
    case 'f':
      return { field: rest };
    case 'v':
      return { value: JSON.parse(rest) as JsonValue };
    case 'k': {
      const obj: unknown = JSON.parse(rest);
      if (!isObject(obj)) throw new Error(`key must be an object: ${text}`);
      return keyPE(obj);
    }
    case 'i': {
      if (!/^-?\d+$/.test(rest)) throw new Error(`invalid index: ${text}`);
      return { index: Number(rest) };
    }
    default:
      throw new Error('unknown path element type');
  }
}

/** value.ToString: strings quoted, maps as k=v pairs. */
function valueString(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(',')}]`;
  if (isObject(v)) return Object.entries(v).map(([k, x]) => `${k}=${valueString(x)}`).join('');
  return String(v);
}

/** The path text Kubernetes prints in apply conflicts: `.spec.containers[name="nginx"].image`. */
export function pathString(path: Path): string {
  return path
    .map((pe) => {
      if ('field' in pe) return `.${pe.field}`;
      if ('key' in pe) return `[${pe.key.map(([k, v]) => `${k}=${valueString(v)}`).join(',')}]`;
      if ('value' in pe) return `[=${valueString(pe.value)}]`;
      return `[${pe.index}]`;
    })
    .join('');
}

// value.Compare's order of kinds: numbers, strings, booleans, lists, maps, null.
const kindRank = (v: JsonValue): number => {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (isObject(v)) return 4;
  return 5;
};

const cmp = (a: string | number | boolean, b: string | number | boolean): number => (a < b ? -1 : a > b ? 1 : 0);

export function compareValues(a: JsonValue, b: JsonValue): number {
  const ra = kindRank(a);
  const rb = kindRank(b);
  if (ra !== rb) return ra - rb;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      const c = cmp(ka[i], kb[i]) || compareValues(a[ka[i]], b[kb[i]]);
      if (c !== 0) return c;
    }
    return ka.length - kb.length;
  }
  if (a === null || b === null || isObject(a) || isObject(b) || Array.isArray(a) || Array.isArray(b)) return 0;
  return cmp(a, b);
}

/** PathElement.Compare: fields, then keys, then values, then indices. */
export function comparePE(a: PathElement, b: PathElement): number {
  const rank = (pe: PathElement) => ('field' in pe ? 0 : 'key' in pe ? 1 : 'value' in pe ? 2 : 3);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if ('field' in a && 'field' in b) return cmp(a.field, b.field);
  if ('key' in a && 'key' in b) {
    for (let i = 0; i < Math.min(a.key.length, b.key.length); i++) {
      const c = cmp(a.key[i][0], b.key[i][0]) || compareValues(a.key[i][1], b.key[i][1]);
      if (c !== 0) return c;
    }
    return a.key.length - b.key.length;
  }
  if ('value' in a && 'value' in b) return compareValues(a.value, b.value);
  return (a as { index: number }).index - (b as { index: number }).index;
}

interface ChildNode {
  pe: PathElement;
  set: FieldSet;
}

/** A set of field paths stored as a tree: members of a node, and child nodes. */
export class FieldSet {
  readonly #members = new Map<string, PathElement>();
  readonly #children = new Map<string, ChildNode>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: Path): void {
    if (path.length === 0) return;
    const [head, ...rest] = path;
    if (rest.length === 0) this.#members.set(serializePE(head), head);
    else this.descend(head).insert(rest);
  }

  /** The child node for `pe`, created if missing. */
  descend(pe: PathElement): FieldSet {
    const k = serializePE(pe);
    let node = this.#children.get(k);
    if (!node) {
      node = { pe, set: new FieldSet() };
      this.#children.set(k, node);
    }
    return node.set;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    const [head, ...rest] = path;
    if (rest.length === 0) return this.#members.has(serializePE(head));
    return this.#children.get(serializePE(head))?.set.has(rest) ?? false;
  }

  hasMember(pe: PathElement): boolean {
    return this.#members.has(serializePE(pe));
  }

  /** The paths under `pe`, without it (empty set when none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.#children.get(serializePE(pe))?.set ?? new FieldSet();
  }

  isEmpty(): boolean {
    if (this.#members.size > 0) return false;
    for (const c of this.#children.values()) if (!c.set.isEmpty()) return false;
    return true;
  }

  members(): PathElement[] {
    return [...this.#members.values()].sort(comparePE);
  }

  children(): ChildNode[] {
    return [...this.#children.values()].filter((c) => !c.set.isEmpty()).sort((a, b) => comparePE(a.pe, b.pe));
  }

  union(other: FieldSet): FieldSet {
    const out = this.clone();
    for (const [k, pe] of other.#members) out.#members.set(k, pe);
    for (const c of other.#children.values()) {
      const mine = out.#children.get(serializePE(c.pe));
      if (mine) mine.set = mine.set.union(c.set);
      else out.#children.set(serializePE(c.pe), { pe: c.pe, set: c.set.clone() });
    }
    return out;
  }

  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.#members) if (!other.#members.has(k)) out.#members.set(k, pe);
    for (const [k, c] of this.#children) {
      const theirs = other.#children.get(k);
      const d = theirs ? c.set.difference(theirs.set) : c.set.clone();
      if (!d.isEmpty()) out.#children.set(k, { pe: c.pe, set: d });
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.#members) if (other.#members.has(k)) out.#members.set(k, pe);
    for (const [k, c] of this.#children) {
      const theirs = other.#children.get(k);
      if (!theirs) continue;
      const i = c.set.intersection(theirs.set);
      if (!i.isEmpty()) out.#children.set(k, { pe: c.pe, set: i });
    }
    return out;
  }

  /** Like difference, but a member of `other` also removes everything under it (`a.b` removes `a.b.c`). */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.#members) if (!other.#members.has(k)) out.#members.set(k, pe);
    for (const [k, c] of this.#children) {
      if (other.#members.has(k)) continue;
      const theirs = other.#children.get(k);
      const d = theirs ? c.set.recursiveDifference(theirs.set) : c.set.clone();
      if (!d.isEmpty()) out.#children.set(k, { pe: c.pe, set: d });
    }
    return out;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.#members) out.#members.set(k, pe);
    for (const [k, c] of this.#children) out.#children.set(k, { pe: c.pe, set: c.set.clone() });
    return out;
  }

  /** Every path, members of a node before its children, each group in PathElement order. */
  paths(prefix: Path = []): Path[] {
    const out: Path[] = this.members().map((pe) => [...prefix, pe]);
    for (const c of this.children()) out.push(...c.set.paths([...prefix, c.pe]));
    return out;
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }

  /** The FieldsV1 object of metadata.managedFields[].fieldsV1. */
  toFieldsV1(): JsonObject {
    return this.#emit(false);
  }

  #emit(includeSelf: boolean): JsonObject {
    const out: JsonObject = {};
    if (includeSelf) out['.'] = {};
    // Keyed by the serialized element: a member with children is one entry.
    const entries = new Map<string, { pe: PathElement; member: boolean; child?: FieldSet }>();
    for (const [k, pe] of this.#members) entries.set(k, { pe, member: true });
    for (const [k, c] of this.#children) {
      if (c.set.isEmpty()) continue;
      const same = entries.get(k);
      if (same) same.child = c.set;
      else entries.set(k, { pe: c.pe, member: false, child: c.set });
    }
    const sorted = [...entries].sort((a, b) => comparePE(a[1].pe, b[1].pe));
    for (const [k, e] of sorted) out[k] = e.child ? e.child.#emit(e.member) : {};
    return out;
  }

  /** Parses FieldsV1; unknown path element kinds are dropped as structured-merge-diff does. */
  static fromFieldsV1(fields: unknown): FieldSet {
    if (!isObject(fields)) throw new Error('FieldsV1 must be an object');
    const set = new FieldSet();
    // Returns whether `obj` held any known path element (otherwise its owner is a member).
    const read = (obj: JsonObject, into: FieldSet): boolean => {
      let any = false;
      for (const [k, v] of Object.entries(obj)) {
        if (k === '.') continue;
        let pe: PathElement;
        try {
          pe = parsePE(k);
        } catch (err) {
          if ((err as Error).message === 'unknown path element type') continue;
          throw err;
        }
        if (!isObject(v)) throw new Error(`FieldsV1 value for ${k} must be an object`);
        any = true;
        const child = new FieldSet();
        const hasChildren = read(v, child);
        if (!hasChildren || '.' in v) into.#members.set(serializePE(pe), pe);
        if (hasChildren) into.#children.set(serializePE(pe), { pe, set: child });
      }
      return any;
    };
    read(fields, set);
    return set;
  }
}
