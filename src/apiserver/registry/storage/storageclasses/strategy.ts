// storage.k8s.io/v1 StorageClasses (cluster-scoped): how PersistentVolumes are provisioned.
// Provisioner, parameters and reclaimPolicy are fixed once created.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import { validateLabelName } from '../../../../apimachinery/labels.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { isQualifiedName } from '../../../../apimachinery/names.js';
import { plainStrategy } from '../../generic/strategies.js';
import { validateImmutableField } from '../../batch/field-helpers.js';

export interface StorageClass extends KubeObject {
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  mountOptions?: string[];
  allowVolumeExpansion?: boolean;
  volumeBindingMode?: string;
  allowedTopologies?: { matchLabelExpressions?: { key?: string; values?: string[] }[] }[];
}

export const IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
export const BETA_IS_DEFAULT_CLASS_ANNOTATION = 'storageclass.beta.kubernetes.io/is-default-class';

const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
const MAX_PARAMETERS = 512;
const MAX_PARAMETERS_SIZE = 256 * 1024;

/** storageutil.IsDefaultAnnotation. */
export const isDefaultStorageClass = (sc: StorageClass): boolean =>
  sc.metadata.annotations?.[IS_DEFAULT_CLASS_ANNOTATION] === 'true' || sc.metadata.annotations?.[BETA_IS_DEFAULT_CLASS_ANNOTATION] === 'true';

function defaults(sc: StorageClass): void {
  sc.reclaimPolicy ??= 'Delete';
  sc.volumeBindingMode ??= 'Immediate';
}

export function validateStorageClass(sc: StorageClass): ErrorList {
  const errs = new ErrorList();
  const provisioner = sc.provisioner ?? '';
  if (!provisioner) errs.required(root('provisioner'));
  else for (const msg of isQualifiedName(provisioner.toLowerCase())) errs.invalid(root('provisioner'), provisioner.toLowerCase(), msg);
  const params = Object.entries(sc.parameters ?? {});
  if (params.length > MAX_PARAMETERS) errs.tooLong(root('parameters'), MAX_PARAMETERS);
  else {
    let size = 0;
    for (const [k, v] of params) {
      if (k.length < 1) errs.invalid(root('parameters'), k, 'field can not be empty.');
      size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
    }
    if (size > MAX_PARAMETERS_SIZE) errs.tooLong(root('parameters'), MAX_PARAMETERS_SIZE);
  }
  if (sc.reclaimPolicy && !RECLAIM_POLICIES.includes(sc.reclaimPolicy)) errs.notSupported(root('reclaimPolicy'), sc.reclaimPolicy, RECLAIM_POLICIES);
  if (sc.volumeBindingMode === undefined) errs.required(root('volumeBindingMode'));
  else if (!BINDING_MODES.includes(sc.volumeBindingMode)) errs.notSupported(root('volumeBindingMode'), sc.volumeBindingMode, BINDING_MODES);
  const seenTerms: string[] = [];
  (sc.allowedTopologies ?? []).forEach((term, i) => {
    const exprPath = root('allowedTopologies').index(i).child('matchLabelExpressions');
    const keys = new Set<string>();
    const termSets: Record<string, string[]> = {};
    (term.matchLabelExpressions ?? []).forEach((req, j) => {
      const p = exprPath.index(j);
      const values = req.values ?? [];
      if (values.length === 0) errs.required(p.child('values'));
      values.forEach((v, k) => {
        if (values.indexOf(v) < k) errs.duplicate(p.child('values').index(k), v);
      });
      errs.add(validateLabelName(req.key ?? '', p.child('key')));
      if (keys.has(req.key ?? '')) errs.duplicate(p.child('key'), req.key ?? '');
      keys.add(req.key ?? '');
      termSets[req.key ?? ''] = [...new Set(values)].sort();
    });
    const canonical = JSON.stringify(Object.entries(termSets).sort());
    if (seenTerms.includes(canonical)) errs.duplicate(root('allowedTopologies').index(i).child('matchLabelExpressions'), '');
    seenTerms.push(canonical);
  });
  return errs;
}

export function validateStorageClassUpdate(sc: StorageClass, old: StorageClass): ErrorList {
  const errs = new ErrorList();
  if (JSON.stringify(Object.entries(sc.parameters ?? {}).sort()) !== JSON.stringify(Object.entries(old.parameters ?? {}).sort())) {
    errs.forbidden(root('parameters'), 'updates to parameters are forbidden.');
  }
  if (sc.provisioner !== old.provisioner) errs.forbidden(root('provisioner'), 'updates to provisioner are forbidden.');
  if (sc.reclaimPolicy !== old.reclaimPolicy) errs.forbidden(root('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.');
  return errs.add(validateImmutableField(sc.volumeBindingMode, old.volumeBindingMode, root('volumeBindingMode')));
}

export const storageClassStrategy = plainStrategy<StorageClass>({ defaults, validate: validateStorageClass, validateUpdate: validateStorageClassUpdate });
