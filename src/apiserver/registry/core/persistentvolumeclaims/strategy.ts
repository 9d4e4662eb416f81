// PersistentVolumeClaims: a request for storage; Pending until bound. The spec is fixed after
// creation except the storage request of a bound claim (expansion only), volumeName from "" when
// binding, and volumeAttributesClassName.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import { validateLabelSelector } from '../../../../apimachinery/labels.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import type { RequestContext, Strategy } from '../../generic/resource.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import { semanticEqual } from '../equality.js';
import { compareQuantities } from '../quantity.js';
import { validatePositiveQuantity, validateResourceList } from '../resource-list.js';
import { VOLUME_MODES, validateAccessModes, validateClassName } from '../persistentvolumes/strategy.js';
import type { PersistentVolumeClaimSpec, PersistentVolumeClaimStatus } from 'kubernetes-types/core/v1.js';

export interface PersistentVolumeClaim extends KubeObject {
  spec?: PersistentVolumeClaimSpec;
  status?: PersistentVolumeClaimStatus;
}

const spec = root('spec');

function validate(pvc: PersistentVolumeClaim): ErrorList {
  const errs = new ErrorList();
  const s = pvc.spec ?? {};
  validateAccessModes(s.accessModes, spec.child('accessModes'), errs, 'at least 1 access mode is required');
  if (s.selector) errs.add(validateLabelSelector(s.selector, spec.child('selector'), {}));
  const storagePath = spec.child('resources').key('storage');
  const storage = s.resources?.requests?.storage;
  if (storage === undefined) errs.required(storagePath);
  else errs.add(validatePositiveQuantity(storage, storagePath));
  errs.add(validateResourceList(s.resources?.requests, spec.child('resources', 'requests')));
  errs.add(validateResourceList(s.resources?.limits, spec.child('resources', 'limits')));
  validateClassName(s.storageClassName, spec.child('storageClassName'), errs);
  if (s.volumeMode && !VOLUME_MODES.includes(s.volumeMode)) errs.notSupported(spec.child('volumeMode'), s.volumeMode, VOLUME_MODES);
  return errs;
}

function validateUpdate(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim): ErrorList {
  const errs = new ErrorList();
  const next = structuredClone(pvc.spec ?? {});
  const prev = old.spec ?? {};
  // Binding fills in volumeName; a bound claim may grow; the attributes class may change.
  if (!prev.volumeName) next.volumeName = prev.volumeName;
  const bound = old.status?.phase === 'Bound';
  if (bound) next.resources = { ...(next.resources ?? {}), requests: { ...(next.resources?.requests ?? {}), storage: prev.resources?.requests?.storage ?? '' } };
  next.volumeAttributesClassName = prev.volumeAttributesClassName;
  if (!semanticEqual(next, prev)) {
    errs.forbidden(spec, 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims');
  }
  const size = pvc.spec?.resources?.requests?.storage;
  const oldSize = prev.resources?.requests?.storage;
  if (bound && size !== undefined && oldSize !== undefined && compareQuantities(size, oldSize) < 0) {
    errs.forbidden(spec.child('resources', 'requests', 'storage'), 'field can not be less than previous value');
  }
  return errs;
}

const base = specStatusStrategy<PersistentVolumeClaim>({
  tracksGeneration: false,
  defaults: (pvc) => {
    (pvc.spec ??= {}).volumeMode ||= 'Filesystem';
    if (pvc.status) pvc.status.phase ||= 'Pending';
  },
  validate,
  validateUpdate,
  validateStatusUpdate: (pvc) => {
    const errs = new ErrorList();
    const phases = ['Bound', 'Lost', 'Pending'];
    const phase = pvc.status?.phase;
    if (phase && !phases.includes(phase)) errs.notSupported(root('status', 'phase'), phase, phases);
    errs.add(validateResourceList(pvc.status?.capacity, root('status', 'capacity')));
    return errs;
  },
});

export const persistentVolumeClaimStrategy: Strategy<PersistentVolumeClaim> = {
  ...base.strategy,
  prepareForCreate: (pvc: PersistentVolumeClaim, ctx: RequestContext) => {
    base.strategy.prepareForCreate(pvc, ctx);
    pvc.status = { phase: 'Pending' };
  },
};

export const persistentVolumeClaimStatusStrategy = base.statusStrategy;
