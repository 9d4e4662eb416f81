// metadata.managedFields: which field manager owns which fields, after
// k8s.io/apimachinery/pkg/util/managedfields (FieldManager.Update and its wrappers).
//
// updateManagedFields() is what create, update and non-apply patches call: the fields a write
// adds or changes move to its manager; removed fields leave every manager. As in Kubernetes:
// - managers are told apart by (manager, operation, apiVersion for Update, subresource);
// - an update of an object that has no managedFields does not start tracking (create does);
// - a request that sends managedFields replaces them (`managedFields: []` resets them);
// - apiVersion, kind and the name/namespace/uid/resourceVersion/... metadata are never owned;
// - at most 10 Update managers are kept, older ones folded into "ancient-changes";
// - an entry's time moves only when its manager changed something.
// Limitation: managers recorded at another apiVersion are compared as if at the current one
// (kite serves one version per kind, so there is nothing to convert).

import type { KubeObject, ManagedFieldsEntry } from '../../apimachinery/meta.js';
import { FieldSet, fieldPE } from './fieldpath.js';
import { type JsonObject, type JsonValue, clone, isObject } from './json.js';
import { type SchemaNode, schemaFor } from './patch-meta.js';
import { compareTyped } from './typed.js';

export type Operation = 'Apply' | 'Update';

export interface ManagerEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
  /** RFC 3339, seconds. */
  time?: string;
  set: FieldSet;
}

/** Entries keyed by manager identifier (see managerId). */
export type ManagedSets = Map<string, ManagerEntry>;

export const MAX_UPDATE_MANAGERS = 10;
export const BEFORE_FIRST_APPLY = 'before-first-apply';
const ANCIENT_CHANGES = 'ancient-changes';

/** BuildManagerIdentifier: the entry without time and fields; appliers are version-independent. */
export function managerId(e: { manager: string; operation: Operation; apiVersion: string; subresource?: string }): string {
  const id: Record<string, string> = { manager: e.manager, operation: e.operation };
  if (e.operation === 'Update' && e.apiVersion) id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return JSON.stringify(id);
}

/** How conflicts name a manager: `"kubectl-client-side-apply" using apps/v1`. */
export function printManager(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  return e.operation === 'Update' ? `${s} using ${e.apiVersion}` : s;
}

export const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Decodes metadata.managedFields; throws on entries Kubernetes would reject. */
export function decodeManagedFields(entries: unknown): ManagedSets {
  const out: ManagedSets = new Map();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((raw: unknown, i) => {
    if (!isObject(raw)) throw new Error(`managed fields entry ${i} must be an object`);
    const e = raw as ManagedFieldsEntry;
    const operation = e.operation;
    if (operation !== 'Apply' && operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new Error('apiVersion must not be empty');
    if (!e.fieldsType) throw new Error(`missing fieldsType in managed fields entry ${i}`);
    if (e.fieldsType !== 'FieldsV1') throw new Error(`invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`);
    const entry: ManagerEntry = {
      manager: e.manager ?? '',
      operation: operation as Operation,
      apiVersion: e.apiVersion,
      set: e.fieldsV1 === undefined ? new FieldSet() : FieldSet.fromFieldsV1(e.fieldsV1),
    };
    if (e.subresource) entry.subresource = e.subresource;
    if (e.time) entry.time = e.time;
    out.set(managerId(entry), entry);
  });
  return out;
}

const seconds = (t?: string): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);

/** Encodes entries in Kubernetes' order: operation, time, manager, apiVersion, subresource. */
export function encodeManagedFields(managed: ManagedSets): ManagedFieldsEntry[] {
  const entries = [...managed.values()].filter((e) => !e.set.isEmpty());
  entries.sort(
    (a, b) =>
      (a.operation < b.operation ? -1 : a.operation > b.operation ? 1 : 0) ||
      seconds(a.time) - seconds(b.time) ||
      (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0) ||
      (a.apiVersion < b.apiVersion ? -1 : a.apiVersion > b.apiVersion ? 1 : 0) ||
      ((a.subresource ?? '') < (b.subresource ?? '') ? -1 : (a.subresource ?? '') > (b.subresource ?? '') ? 1 : 0),
  );
  return entries.map((e) => {
    const out: ManagedFieldsEntry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
    if (e.time) out.time = e.time;
    out.fieldsType = 'FieldsV1';
    out.fieldsV1 = e.set.toFieldsV1();
    if (e.subresource) out.subresource = e.subresource;
    return out;
  });
}

/** Fields nobody owns (stripMetaManager). */
export const UNOWNED_FIELDS = FieldSet.of(
  [fieldPE('apiVersion')],
  [fieldPE('kind')],
  [fieldPE('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [
    fieldPE('metadata'),
    fieldPE(f),
  ]),
);

/** The object without metadata.managedFields, as the field manager compares it. */
export function withoutManagedFields(obj: JsonValue | null | undefined): JsonObject {
  if (!isObject(obj)) return {};
  const out = { ...obj };
  if (isObject(out.metadata)) {
    const meta = { ...out.metadata };
    delete meta.managedFields;
    out.metadata = meta;
  }
  return out;
}

export interface TrackOptions {
  subresource?: string;
  now?: Date;
  schema?: SchemaNode;
  /** Fields the manager cannot own through this endpoint (reset fields): `status` on a main resource. */
  ignoredFields?: FieldSet;
  operation?: Operation;
}

/**
 * Records that `manager` changed `oldObj` into `newObj` (both without managedFields) in `managed`
 * (Updater.Update wrapped by managedFieldsUpdater and stripMetaManager).
 */
export function trackUpdate(managed: ManagedSets, oldObj: JsonObject, newObj: JsonObject, manager: string, apiVersion: string, opts: TrackOptions): void {
  const schema = opts.schema ?? schemaFor(String(newObj.apiVersion ?? oldObj.apiVersion ?? apiVersion), String(newObj.kind ?? oldObj.kind ?? ''));
  const cmp = compareTyped(oldObj, newObj, schema);
  const filter = (s: FieldSet) => (opts.ignoredFields ? s.recursiveDifference(opts.ignoredFields) : s);
  const changed = filter(cmp.modified.union(cmp.added));
  const removed = filter(cmp.removed);
  for (const [id, e] of managed) {
    e.set = e.set.difference(changed).difference(removed);
    if (e.set.isEmpty()) managed.delete(id);
  }
  const mine = changed.difference(UNOWNED_FIELDS);
  if (mine.isEmpty()) return;
  const operation = opts.operation ?? 'Update';
  const entry: ManagerEntry = { manager: manager || 'unknown', operation, apiVersion, set: mine };
  if (opts.subresource) entry.subresource = opts.subresource;
  const id = managerId(entry);
  const previous = managed.get(id);
  if (previous) entry.set = previous.set.union(mine);
  entry.time = rfc3339(opts.now ?? new Date());
  managed.set(id, entry);
}

/** capManagersManager: keeps the newest Update managers, folding older ones into "ancient-changes". */
export function capUpdateManagers(managed: ManagedSets, max = MAX_UPDATE_MANAGERS): void {
  const updaters = [...managed.entries()].filter(([, e]) => e.operation === 'Update');
  if (updaters.length <= max) return;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || (ia < ib ? -1 : ia > ib ? 1 : 0));
  let count = updaters.length;
  const firstByVersion = new Map<string, string>();
  for (const [id, e] of updaters) {
    if (count <= max) break;
    const bucketId = managerId({ manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: e.apiVersion });
    const first = firstByVersion.get(e.apiVersion);
    if (first === undefined) {
      firstByVersion.set(e.apiVersion, id);
      continue;
    }
    let bucket = managed.get(bucketId);
    if (!bucket) {
      const firstEntry = managed.get(first)!;
      managed.delete(first);
      bucket = { manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: firstEntry.apiVersion, set: firstEntry.set };
    }
    bucket.set = e.set.union(bucket.set);
    bucket.time = e.time;
    managed.delete(id);
    managed.set(bucketId, bucket);
    count--;
  }
}

const isResetRequest = (mf: unknown): boolean =>
  Array.isArray(mf) && (mf.length === 0 || (mf.length === 1 && isObject(mf[0]) && Object.keys(mf[0]).length === 0));

function decodeOrEmpty(entries: unknown): ManagedSets {
  try {
    return decodeManagedFields(entries);
  } catch {
    return new Map();
  }
}

/**
 * Sets newObj.metadata.managedFields for a create (oldObj null), update or non-apply patch by
 * `manager` at `apiVersion`. Mutates and returns newObj. Never throws: on an internal error the
 * live object's managedFields are kept, as Kubernetes' UpdateNoErrors does.
 */
export function updateManagedFields<T extends KubeObject>(
  oldObj: KubeObject | null,
  newObj: T,
  manager: string,
  apiVersion: string,
  operation: Operation = 'Update',
  opts: Omit<TrackOptions, 'operation'> = {},
): T {
  const meta = (newObj.metadata ??= {});
  const requested = meta.managedFields;
  try {
    let managed: ManagedSets;
    if (opts.subresource) managed = decodeOrEmpty(oldObj?.metadata?.managedFields);
    else if (isResetRequest(requested)) managed = new Map();
    else {
      managed = decodeOrEmpty(requested);
      if (managed.size === 0) managed = decodeOrEmpty(oldObj?.metadata?.managedFields);
    }
    delete meta.managedFields;
    // An existing object that never had managedFields is not tracked by updates.
    if (managed.size === 0 && oldObj?.metadata?.uid) return newObj;
    // Only read: withoutManagedFields copies the two levels it changes.
    const oldPlain = oldObj ? withoutManagedFields(oldObj as unknown as JsonObject) : {};
    trackUpdate(managed, oldPlain, newObj as unknown as JsonObject, manager, apiVersion, { ...opts, operation });
    capUpdateManagers(managed);
    const entries = encodeManagedFields(managed);
    if (entries.length > 0) meta.managedFields = entries;
  } catch {
    if (oldObj?.metadata?.managedFields) meta.managedFields = clone(oldObj.metadata.managedFields);
    else delete meta.managedFields;
  }
  return newObj;
}
