// ObjectMeta validation every resource gets from the generic registry: name/generateName,
// namespace, labels, annotations, owner references, finalizers, and the immutable fields.
import { ErrorList, root } from '../../../apimachinery/field.js';
import { validateLabels } from '../../../apimachinery/labels.js';
import type { KubeObject } from '../../../apimachinery/meta.js';
import { isQualifiedName, isValidPathSegmentName, nameIsDNSSubdomain } from '../../../apimachinery/names.js';
import type { ResourceDefinition } from './resource.js';

/** Kubernetes' limit on the total size of an object's annotations (256 KiB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

const metaPath = root('metadata');

export function validateObjectMetaFor(def: ResourceDefinition, obj: KubeObject, old: KubeObject | null): ErrorList {
  const errs = new ErrorList();
  const meta = obj.metadata;
  const nameOk = def.nameValidator ?? nameIsDNSSubdomain;
  if (!meta.name && !meta.generateName) {
    errs.required(metaPath.child('name'), 'name or generateName is required');
  } else if (meta.name) {
    for (const msg of [...isValidPathSegmentName(meta.name), ...nameOk(meta.name, false)]) errs.invalid(metaPath.child('name'), meta.name, msg);
  }
  if (meta.generateName && !meta.name) {
    for (const msg of nameOk(meta.generateName, true)) errs.invalid(metaPath.child('generateName'), meta.generateName, msg);
  }
  if (def.namespaced && !meta.namespace) errs.required(metaPath.child('namespace'));
  if (!def.namespaced && meta.namespace) errs.forbidden(metaPath.child('namespace'), 'not allowed on this type');
  errs.add(validateLabels(meta.labels, metaPath.child('labels')));

  let annotationBytes = 0;
  for (const [key, value] of Object.entries(meta.annotations ?? {})) {
    for (const msg of isQualifiedName(key.toLowerCase())) errs.invalid(metaPath.child('annotations'), key, msg);
    if (typeof value !== 'string') errs.invalid(metaPath.child('annotations').key(key), value, 'must be a string');
    annotationBytes += key.length + String(value).length;
  }
  if (annotationBytes > TOTAL_ANNOTATION_SIZE_LIMIT) errs.tooLong(metaPath.child('annotations'), TOTAL_ANNOTATION_SIZE_LIMIT);

  (meta.ownerReferences ?? []).forEach((ref, i) => {
    const path = metaPath.child('ownerReferences').index(i);
    if (!ref.apiVersion) errs.invalid(path.child('apiVersion'), ref.apiVersion ?? '', 'version must not be empty');
    if (!ref.kind) errs.invalid(path.child('kind'), ref.kind ?? '', 'kind must not be empty');
    if (!ref.name) errs.invalid(path.child('name'), ref.name ?? '', 'name must not be empty');
    if (!ref.uid) errs.invalid(path.child('uid'), ref.uid ?? '', 'uid must not be empty');
  });
  const controllers = (meta.ownerReferences ?? []).filter((r) => r.controller === true);
  if (controllers.length > 1) {
    errs.invalid(metaPath.child('ownerReferences'), meta.ownerReferences, 'Only one reference can have Controller set to true');
  }

  const finalizers = meta.finalizers ?? [];
  finalizers.forEach((f, i) => {
    // Kubernetes' own finalizers ("orphan", "foregroundDeletion", "kubernetes") are unqualified.
    if (f === 'orphan' || f === 'foregroundDeletion' || f === 'kubernetes') return;
    for (const msg of isQualifiedName(f)) errs.invalid(metaPath.child('finalizers').index(i), f, msg);
    if (!f.includes('/')) errs.invalid(metaPath.child('finalizers').index(i), f, 'name is neither a standard finalizer name nor is it fully qualified');
  });
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errs.invalid(metaPath.child('finalizers'), finalizers, 'finalizer orphan and foregroundDeletion cannot be both set');
  }

  if (old) {
    if (meta.name !== old.metadata.name) errs.invalid(metaPath.child('name'), meta.name, 'field is immutable');
    if (old.metadata.deletionTimestamp) {
      const added = finalizers.filter((f) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length > 0) errs.forbidden(metaPath.child('finalizers'), `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`);
    }
  }
  return errs;
}
