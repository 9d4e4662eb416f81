// ObjectMeta validation from k8s.io/apimachinery/pkg/api/validation (objectmeta.go, generic.go)
// and metav1 validation (managedFields), with Kubernetes' paths and messages.
//
// The real apiserver runs this twice on create: inside the resource's strategy with its own name
// rule (e.g. nameIsDNSSubdomain), then, only if that passed, with isValidPathSegmentName.

import { ErrorList, type FieldPath, GoLiteral, field, formatBadValue, root } from './field.js';
import { validateLabels } from './label-selector.js';
import { type ManagedFieldsEntry, type ObjectMeta, type OwnerReference, formatGVK, gvkFromAPIVersionAndKind } from './meta.js';
import { type NameValidator, isQualifiedName, validateNamespaceName } from './names.js';

export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
/** 256 KiB for all annotation keys and values together. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;
export const FIELD_MANAGER_MAX_LENGTH = 128;
export const MAX_SUBRESOURCE_NAME_LENGTH = 256;
export const FINALIZER_ORPHAN_DEPENDENTS = 'orphan';
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

export const validateNonnegativeField = (value: number, path: FieldPath): ErrorList =>
  value < 0 ? new ErrorList().invalid(path, value, IS_NEGATIVE_ERROR_MSG) : new ErrorList();

/** Annotation keys are qualified names (checked lowercased); keys plus values at most 256 KiB. */
export const validateAnnotations = (annotations: Record<string, string> | undefined, path: FieldPath): ErrorList => {
  const errs = new ErrorList();
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.invalid(path, k, msg);
    total += byteLength(k) + byteLength(String(v));
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) errs.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES);
  return errs;
};

/** Errors are reported on the ownerReferences path itself (not per index), as Kubernetes does. */
export const validateOwnerReferences = (refs: readonly OwnerReference[] | undefined, path: FieldPath): ErrorList => {
  const errs = new ErrorList();
  let firstController = '';
  for (const ref of refs ?? []) {
    const gvk = gvkFromAPIVersionAndKind(ref.apiVersion ?? '', ref.kind ?? '');
    if (!gvk.version) errs.invalid(path.child('apiVersion'), ref.apiVersion ?? '', 'version must not be empty');
    if (!gvk.kind) errs.invalid(path.child('kind'), ref.kind ?? '', 'kind must not be empty');
    if (!ref.name) errs.invalid(path.child('name'), ref.name ?? '', 'name must not be empty');
    if (!ref.uid) errs.invalid(path.child('uid'), ref.uid ?? '', 'uid must not be empty');
    if (gvk.group === '' && gvk.version === 'v1' && gvk.kind === 'Event') {
      errs.invalid(path, ref, `${formatGVK(gvk)} is disallowed from being an owner`);
    }
    if (ref.controller === true) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.invalid(
          path,
          refs,
          `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
        );
      } else firstController = current;
    }
  }
  return errs;
};

export const validateFinalizerName = (name: string, path: FieldPath): ErrorList =>
  new ErrorList(isQualifiedName(name).map((msg) => field.invalid(path, name, msg)));

export const validateFinalizers = (finalizers: readonly string[] | undefined, path: FieldPath): ErrorList => {
  const errs = new ErrorList();
  const list = finalizers ?? [];
  for (const f of list) errs.add(validateFinalizerName(f, path));
  if (list.includes(FINALIZER_ORPHAN_DEPENDENTS) && list.includes(FINALIZER_DELETE_DEPENDENTS)) {
    errs.invalid(path, list, `finalizer ${FINALIZER_ORPHAN_DEPENDENTS} and ${FINALIZER_DELETE_DEPENDENTS} cannot be both set`);
  }
  return errs;
};

export const validateNoNewFinalizers = (newer: readonly string[] | undefined, older: readonly string[] | undefined, path: FieldPath): ErrorList => {
  const old = new Set(older ?? []);
  const extra = [...new Set((newer ?? []).filter((f) => !old.has(f)))].sort();
  if (extra.length === 0) return new ErrorList();
  return new ErrorList().forbidden(path, `no new finalizers can be added if the object is being deleted, found new finalizers ${formatBadValue(extra)}`);
};

const unicodePrintable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export const validateFieldManager = (manager: string | undefined, path: FieldPath): ErrorList => {
  const errs = new ErrorList();
  const value = manager ?? '';
  if (byteLength(value) > FIELD_MANAGER_MAX_LENGTH) errs.tooLong(path, FIELD_MANAGER_MAX_LENGTH);
  let offset = 0;
  for (const ch of value) {
    if (!unicodePrintable.test(ch)) {
      const cp = ch.codePointAt(0)!;
      const hex = cp.toString(16).toUpperCase().padStart(4, '0');
      errs.invalid(path, value, `invalid character U+${hex} (at position ${offset})`);
    }
    offset += byteLength(ch);
  }
  return errs;
};

export const validateManagedFields = (entries: readonly ManagedFieldsEntry[] | undefined, path: FieldPath): ErrorList => {
  const errs = new ErrorList();
  (entries ?? []).forEach((entry, i) => {
    const p = path.index(i);
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') errs.invalid(p.child('operation'), entry.operation ?? '', 'must be `Apply` or `Update`');
    if (entry.fieldsType && entry.fieldsType !== 'FieldsV1') errs.invalid(p.child('fieldsType'), entry.fieldsType, 'must be `FieldsV1`');
    errs.add(validateFieldManager(entry.manager, p.child('manager')));
    if (byteLength(entry.subresource ?? '') > MAX_SUBRESOURCE_NAME_LENGTH) errs.tooLong(p.child('subresource'), MAX_SUBRESOURCE_NAME_LENGTH);
  });
  return errs;
};

export interface ObjectMetaRules {
  namespaced: boolean;
  /** How names are checked: nameIsDNSSubdomain for most resources, nameIsDNSLabel, ... */
  nameValidator: NameValidator;
}

/** ValidateObjectMeta (create): name rules, namespace, generation, labels, annotations, owners, finalizers, managedFields. */
export const validateObjectMeta = (meta: ObjectMeta | undefined, rules: ObjectMetaRules, path: FieldPath = root('metadata')): ErrorList => {
  const m = meta ?? {};
  const errs = new ErrorList();
  if (m.generateName) {
    for (const msg of rules.nameValidator(m.generateName, true)) errs.invalid(path.child('generateName'), m.generateName, msg);
  }
  if (!m.name) errs.required(path.child('name'), 'name or generateName is required');
  else for (const msg of rules.nameValidator(m.name, false)) errs.invalid(path.child('name'), m.name, msg);
  if (rules.namespaced) {
    if (!m.namespace) errs.required(path.child('namespace'));
    else for (const msg of validateNamespaceName(m.namespace, false)) errs.invalid(path.child('namespace'), m.namespace, msg);
  } else if (m.namespace) {
    errs.forbidden(path.child('namespace'), 'not allowed on this type');
  }
  return errs.add(
    validateNonnegativeField(m.generation ?? 0, path.child('generation')),
    validateLabels(m.labels, path.child('labels')),
    validateAnnotations(m.annotations, path.child('annotations')),
    validateOwnerReferences(m.ownerReferences, path.child('ownerReferences')),
    validateFinalizers(m.finalizers, path.child('finalizers')),
    validateManagedFields(m.managedFields, path.child('managedFields')),
  );
};

/** time.Time.String() of a metav1.Time, as an immutable-field error prints it: "2024-05-01 12:00:00 +0000 UTC". */
const goTime = (rfc3339: string | undefined): GoLiteral => {
  const ms = rfc3339 ? Date.parse(rfc3339) : NaN;
  if (Number.isNaN(ms)) return new GoLiteral('0001-01-01 00:00:00 +0000 UTC');
  const [date, time] = new Date(ms).toISOString().slice(0, -1).split('T');
  return new GoLiteral(`${date} ${time!.replace(/\.?0+$/, '')} +0000 UTC`);
};

const instant = (t: string | undefined): number | undefined => (t ? Date.parse(t) : undefined);

/** ValidateObjectMetaUpdate: immutable identity and timestamps, no new finalizers while deleting. */
export const validateObjectMetaUpdate = (newMeta: ObjectMeta | undefined, oldMeta: ObjectMeta | undefined, path: FieldPath = root('metadata')): ErrorList => {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const errs = new ErrorList();
  const immutable = (name: string, shown: unknown, same: boolean): void => {
    if (!same) errs.invalid(path.child(name), shown, FIELD_IMMUTABLE_ERROR_MSG);
  };
  if (o.deletionTimestamp) errs.add(validateNoNewFinalizers(n.finalizers, o.finalizers, path.child('finalizers')));
  if (!n.resourceVersion) errs.invalid(path.child('resourceVersion'), n.resourceVersion ?? '', 'must be specified for an update');
  if ((n.generation ?? 0) < (o.generation ?? 0)) errs.invalid(path.child('generation'), n.generation ?? 0, 'must not be decremented');
  for (const key of ['name', 'namespace', 'uid'] as const) immutable(key, n[key] ?? '', (n[key] ?? '') === (o[key] ?? ''));
  immutable('creationTimestamp', goTime(n.creationTimestamp), instant(n.creationTimestamp) === instant(o.creationTimestamp));
  immutable(
    'deletionTimestamp',
    n.deletionTimestamp === undefined ? null : goTime(n.deletionTimestamp),
    instant(n.deletionTimestamp) === instant(o.deletionTimestamp),
  );
  immutable('deletionGracePeriodSeconds', n.deletionGracePeriodSeconds ?? null, n.deletionGracePeriodSeconds === o.deletionGracePeriodSeconds);
  return errs.add(
    validateLabels(n.labels, path.child('labels')),
    validateAnnotations(n.annotations, path.child('annotations')),
    validateOwnerReferences(n.ownerReferences, path.child('ownerReferences')),
    validateManagedFields(n.managedFields, path.child('managedFields')),
  );
};
