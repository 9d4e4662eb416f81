// Server-side apply (application/apply-patch+yaml), after structured-merge-diff's
// Updater.Apply and the field manager chain of k8s.io/apimachinery/pkg/util/managedfields.
//
// applyServerSide(live, config, manager, force) returns the new object with its managedFields:
// - the configuration is merged into the live object (lists by their list-map keys, sets by
//   value, atomic lists and structs replaced) and its fields become owned by the manager;
// - fields the manager applied last time but no longer applies are removed, unless another
//   manager owns them too;
// - changing a field another manager owns is a 409 naming the managers and fields, unless
//   `force` moves the field to the applier; applying the same value shares ownership;
// - an object without managedFields first gets a "before-first-apply" manager owning everything;
// - for manager "kubectl", conflicts on fields the last-applied annotation still describes are
//   forced (migration from client-side apply), and that annotation is kept up to date.
// Limitations: no conversion between API versions (an entry recorded at another version is
// treated as if at this one); defaulting of the result is left to the registry; unknown
// fields are merged as objects and atomic lists; a null in the configuration deletes the field.

import { StatusError, badRequest } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import { FieldSet, type Path, pathString } from './fieldpath.js';
import { type JsonObject, type JsonValue, clone, deepEqual, dropNulls, goJson, isObject } from './json.js';
import {
  BEFORE_FIRST_APPLY,
  type ManagedSets,
  type ManagerEntry,
  UNOWNED_FIELDS,
  decodeManagedFields,
  encodeManagedFields,
  managerId,
  printManager,
  rfc3339,
  trackUpdate,
  withoutManagedFields,
} from './managed-fields.js';
import { unwrappedServerError } from './patch-errors.js';
import { type SchemaNode, schemaFor } from './patch-meta.js';
import { TypedError, compareTyped, ensureNamedFieldsAreMembers, mergeTyped, removeItems, toFieldSet } from './typed.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ApplyOptions {
  /** The stored object, or null when apply creates it. */
  live: KubeObject | null;
  /** The decoded apply patch body. */
  config: unknown;
  manager: string;
  force: boolean;
  /** The served group/version ("apps/v1") and kind the configuration must name. */
  apiVersion: string;
  kind: string;
  subresource?: string;
  now?: Date;
  schema?: SchemaNode;
  /** Fields this endpoint resets (e.g. `status` on a main resource): never owned through it. */
  ignoredFields?: FieldSet;
}

export interface ApplyResult {
  object: KubeObject;
  /** False when the object's content (managedFields aside) did not change. */
  changed: boolean;
}

interface Conflict {
  id: string;
  entry: ManagerEntry;
  path: Path;
}

class ApplyConflicts extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super('apply conflicts');
  }
}

const gvkString = (apiVersion: unknown, kind: unknown): string => {
  const gv = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = gv.indexOf('/');
  const [group, version] = slash < 0 ? ['', gv] : [gv.slice(0, slash), gv.slice(slash + 1)];
  return `${group}/${version}, Kind=${typeof kind === 'string' ? kind : ''}`;
};

/** The 409 of NewConflictError: message and causes as kube-apiserver writes them. */
function conflictError(conflicts: Conflict[]): StatusError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.entry)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].entry)}: ${pathString(conflicts[0].path)}`;
  } else {
    const lines: string[] = [];
    for (const id of [...new Set(conflicts.map((c) => c.id))].sort()) {
      const mine = conflicts.filter((c) => c.id === id);
      lines.push(`conflicts with ${printManager(mine[0].entry)}:`, ...mine.map((c) => `- ${pathString(c.path)}`));
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

function validateConfig(opts: ApplyOptions): JsonObject {
  const config = opts.config;
  if (!isObject(config)) {
    const kind = Array.isArray(config) ? 'array' : config === null ? 'null' : typeof config === 'boolean' ? 'bool' : typeof config;
    throw badRequest(`error decoding YAML: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
  if (config.apiVersion !== opts.apiVersion || config.kind !== opts.kind) {
    throw badRequest(`invalid object type: ${gvkString(config.apiVersion, config.kind)}`);
  }
  if (isObject(config.metadata) && config.metadata.managedFields !== undefined && config.metadata.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  return config;
}

/** Fields of the last-applied annotation that still match the live object (lastAppliedManager). */
function allowedFromLastApplied(live: JsonObject, apiVersion: string, schema: SchemaNode | undefined): FieldSet | undefined {
  const meta = isObject(live.metadata) ? live.metadata : {};
  const annotation = isObject(meta.annotations) ? meta.annotations[LAST_APPLIED_ANNOTATION] : undefined;
  if (typeof annotation !== 'string' || annotation === '') return undefined;
  try {
    const last: unknown = JSON.parse(annotation);
    if (!isObject(last) || last.apiVersion !== apiVersion) return undefined;
    const set = toFieldSet(last, schema);
    const cmp = compareTyped(last, live, schema);
    return set.difference(cmp.modified).difference(cmp.added).difference(cmp.removed);
  } catch {
    return undefined;
  }
}

/** Removes what the manager applied last time and nobody (itself included) owns now. */
function prune(merged: JsonObject, managed: ManagedSets, lastSet: FieldSet | undefined, schema: SchemaNode | undefined): JsonObject {
  if (!lastSet || lastSet.isEmpty()) return merged;
  let owned = new FieldSet();
  for (const e of managed.values()) owned = owned.union(e.set);
  const toRemove = ensureNamedFieldsAreMembers(lastSet, schema).difference(ensureNamedFieldsAreMembers(owned, schema));
  return (removeItems(merged, toRemove, schema) as JsonObject | undefined) ?? {};
}

interface Attempt {
  object: JsonObject;
  managed: ManagedSets;
  changed: boolean;
}

function attempt(opts: ApplyOptions, live: JsonObject, config: JsonObject, schema: SchemaNode | undefined, force: boolean): Attempt {
  const now = rfc3339(opts.now ?? new Date());
  const filter = (s: FieldSet) => (opts.ignoredFields ? s.recursiveDifference(opts.ignoredFields) : s);
  let managed: ManagedSets;
  try {
    managed = decodeManagedFields(opts.live?.metadata?.managedFields);
  } catch (err) {
    throw unwrappedServerError(`failed to decode managed fields: ${(err as Error).message}`);
  }
  if (managed.size === 0) {
    // skipNonAppliedManager: whatever exists already belongs to "before-first-apply".
    trackUpdate(managed, {}, live, BEFORE_FIRST_APPLY, opts.apiVersion, { subresource: opts.subresource, now: opts.now, schema, ignoredFields: opts.ignoredFields });
  }
  const entry: ManagerEntry = { manager: opts.manager, operation: 'Apply', apiVersion: opts.apiVersion, set: new FieldSet() };
  if (opts.subresource) entry.subresource = opts.subresource;
  const id = managerId(entry);
  const previous = managed.get(id);
  let configSet: FieldSet;
  let merged: JsonObject;
  try {
    configSet = filter(toFieldSet(config, schema));
    merged = (mergeTyped(live, config, schema) as JsonObject | undefined) ?? {};
  } catch (err) {
    if (!(err instanceof TypedError)) throw err;
    const meta = isObject(config.metadata) ? config.metadata : {};
    const where = `${typeof meta.namespace === 'string' ? meta.namespace : ''}/${typeof meta.name === 'string' ? meta.name : ''}; ${gvkString(config.apiVersion, config.kind)}`;
    throw unwrappedServerError(`failed to create typed patch object (${where}): ${err.message}`);
  }
  entry.set = configSet;
  if (previous?.time) entry.time = previous.time;
  managed.set(id, entry);
  merged = prune(merged, managed, previous?.set, schema);

  const cmp = compareTyped(live, merged, schema);
  const changedFields = filter(cmp.modified.union(cmp.added));
  const removed = filter(cmp.removed);
  const conflicts: Conflict[] = [];
  const byId = new Map<string, FieldSet>();
  for (const [otherId, other] of [...managed.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (otherId === id) continue;
    const overlap = other.set.intersection(changedFields);
    if (overlap.isEmpty()) continue;
    byId.set(otherId, overlap);
    for (const path of overlap.paths()) conflicts.push({ id: otherId, entry: other, path });
  }
  if (!force && conflicts.length > 0) throw new ApplyConflicts(conflicts);
  for (const [otherId, other] of managed) {
    if (otherId === id) continue;
    other.set = other.set.difference(byId.get(otherId) ?? new FieldSet()).difference(removed);
    if (other.set.isEmpty()) managed.delete(otherId);
  }
  entry.set = entry.set.difference(UNOWNED_FIELDS);
  if (entry.set.isEmpty()) managed.delete(id);
  const changed = !deepEqual(live, merged);
  if (changed) entry.time = now;
  return { object: changed ? merged : live, managed, changed };
}

/** Applies `config` for `manager`; throws the StatusErrors kube-apiserver returns. */
export function applyServerSide(opts: ApplyOptions): ApplyResult {
  const config = validateConfig(opts);
  const schema = opts.schema ?? schemaFor(opts.apiVersion, opts.kind);
  const live = opts.live ? withoutManagedFields(clone(opts.live) as unknown as JsonObject) : {};
  let result: Attempt;
  try {
    result = attempt(opts, live, config, schema, opts.force);
  } catch (err) {
    if (!(err instanceof ApplyConflicts)) throw err;
    const allowed = opts.manager === 'kubectl' ? allowedFromLastApplied(live, opts.apiVersion, schema) : undefined;
    const remaining = allowed ? err.conflicts.filter((c) => !allowed.has(c.path)) : err.conflicts;
    if (remaining.length > 0) throw conflictError(remaining);
    result = attempt(opts, live, config, schema, true);
  }
  const object = dropNulls(clone(result.object)) as JsonObject;
  const meta = (isObject(object.metadata) ? object.metadata : (object.metadata = {})) as JsonObject;
  if (opts.manager === 'kubectl' && isObject(meta.annotations) && typeof meta.annotations[LAST_APPLIED_ANNOTATION] === 'string' && meta.annotations[LAST_APPLIED_ANNOTATION] !== '') {
    // lastAppliedUpdater: the annotation follows server-side applies by kubectl.
    const lastApplied = clone(config);
    if (isObject(lastApplied.metadata) && isObject(lastApplied.metadata.annotations)) {
      // An emptied map stays, as `"annotations":{}` (Unstructured.SetAnnotations of an empty map).
      delete lastApplied.metadata.annotations[LAST_APPLIED_ANNOTATION];
    }
    meta.annotations[LAST_APPLIED_ANNOTATION] = `${goJson(lastApplied)}\n`;
  }
  const entries = encodeManagedFields(result.managed);
  if (entries.length > 0) meta.managedFields = entries as unknown as JsonValue;
  else delete meta.managedFields;
  return { object: object as unknown as KubeObject, changed: result.changed };
}
