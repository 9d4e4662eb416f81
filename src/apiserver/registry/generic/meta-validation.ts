// ObjectMeta validation every resource gets from the generic registry (Kubernetes'
// ValidateObjectMeta and ValidateObjectMetaUpdate), with the resource's own name rule.
import type { ErrorList } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/meta.js';
import { nameIsDNSSubdomain } from '../../../apimachinery/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../../apimachinery/objectmeta.js';
import type { ResourceDefinition } from './resource.js';

/** `marksDeletion`: the registry's own delete path, the one writer allowed to set the deletion fields. */
export function validateObjectMetaFor(def: ResourceDefinition, obj: KubeObject, old: KubeObject | null, marksDeletion = false): ErrorList {
  const errs = validateObjectMeta(obj.metadata, { namespaced: def.namespaced, nameValidator: def.nameValidator ?? nameIsDNSSubdomain });
  if (old) {
    const oldMeta = marksDeletion
      ? {
          ...old.metadata,
          deletionTimestamp: obj.metadata.deletionTimestamp,
          deletionGracePeriodSeconds: obj.metadata.deletionGracePeriodSeconds,
          // The delete path adds the GC finalizer (orphan / foregroundDeletion) itself.
          finalizers: old.metadata.deletionTimestamp ? old.metadata.finalizers : obj.metadata.finalizers,
        }
      : old.metadata;
    errs.add(validateObjectMetaUpdate(obj.metadata, oldMeta));
  }
  return errs;
}
