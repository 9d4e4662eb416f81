// PersistentVolumes: cluster-scoped storage with capacity, access modes and exactly one source;
// the source is fixed after creation. Status starts Pending (the binder moves it on).
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { isDNS1123Subdomain } from '../../../../apimachinery/names.js';
import type { RequestContext, Strategy } from '../../generic/resource.js';
import { rfc3339Now } from '../../generic/registry-store.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import { semanticEqual } from '../equality.js';
import { validatePositiveQuantity, validateResourceName } from '../resource-list.js';
import type { PersistentVolumeSpec, PersistentVolumeStatus } from 'kubernetes-types/core/v1.js';

export interface PersistentVolume extends KubeObject {
  spec?: PersistentVolumeSpec;
  status?: PersistentVolumeStatus;
}

export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const VOLUME_MODES = ['Block', 'Filesystem'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];

/** The persistent volume sources of a PersistentVolumeSpec (exactly one is set). */
const PV_SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'quobyte', 'cinder', 'cephfs',
  'iscsi', 'flexVolume', 'fc', 'flocker', 'azureFile', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk',
  'portworxVolume', 'scaleIO', 'local', 'storageos', 'csi',
] as const;

/** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order. */
export function accessModesText(modes: string[] | undefined): string {
  const m = new Set(modes ?? []);
  return [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']]
    .filter(([mode]) => m.has(mode!))
    .map(([, short]) => short)
    .join(',');
}

export function validateAccessModes(modes: string[] | undefined, path: ReturnType<typeof root>, errs: ErrorList, requiredDetail = ''): void {
  if ((modes ?? []).length === 0) errs.required(path, requiredDetail);
  for (const mode of modes ?? []) if (!ACCESS_MODES.includes(mode)) errs.notSupported(path, mode, ACCESS_MODES);
  if ((modes ?? []).includes('ReadWriteOncePod') && (modes ?? []).length > 1) errs.forbidden(path, 'may not use ReadWriteOncePod with other access modes');
}

export function validateClassName(name: string | undefined, path: ReturnType<typeof root>, errs: ErrorList): void {
  if (name) for (const msg of isDNS1123Subdomain(name)) errs.invalid(path, name, msg);
}

function validate(pv: PersistentVolume): ErrorList {
  const errs = new ErrorList();
  const spec = pv.spec ?? ({} as PersistentVolumeSpec);
  const path = root('spec');
  validateAccessModes(spec.accessModes, path.child('accessModes'), errs);
  const capacity = spec.capacity ?? {};
  if (Object.keys(capacity).length === 0) errs.required(path.child('capacity'));
  if (!('storage' in capacity) || Object.keys(capacity).length > 1) errs.notSupported(path.child('capacity'), capacity, ['storage']);
  for (const [name, q] of Object.entries(capacity)) errs.add(validateResourceName(name, path.child('capacity').key(name)), validatePositiveQuantity(q, path.child('capacity').key(name)));
  validateClassName(spec.storageClassName, path.child('storageClassName'), errs);
  if (spec.volumeMode && !VOLUME_MODES.includes(spec.volumeMode)) errs.notSupported(path.child('volumeMode'), spec.volumeMode, VOLUME_MODES);
  const policy = spec.persistentVolumeReclaimPolicy ?? '';
  if (policy && !RECLAIM_POLICIES.includes(policy)) errs.notSupported(path.child('persistentVolumeReclaimPolicy'), policy, RECLAIM_POLICIES);
  const sources = PV_SOURCES.filter((k) => (spec as Record<string, unknown>)[k]);
  if (sources.length === 0) errs.required(path, 'must specify a volume type');
  for (const k of sources.slice(1)) errs.forbidden(path.child(k), 'may not specify more than 1 volume type');
  if (spec.hostPath && !spec.hostPath.path) errs.required(path.child('hostPath', 'path'));
  if (spec.local && !spec.local.path) errs.required(path.child('local', 'path'));
  if (spec.local && !spec.nodeAffinity) errs.required(path.child('nodeAffinity'), 'Local volume requires node affinity');
  if (spec.nfs && (!spec.nfs.server || !spec.nfs.path)) errs.required(path.child('nfs', spec.nfs.server ? 'path' : 'server'));
  if (spec.csi && !spec.csi.driver) errs.required(path.child('csi', 'driver'));
  if (spec.csi && !spec.csi.volumeHandle) errs.required(path.child('csi', 'volumeHandle'));
  return errs;
}

function validateUpdate(pv: PersistentVolume, old: PersistentVolume): ErrorList {
  const errs = new ErrorList();
  const pick = (v: PersistentVolume): Record<string, unknown> =>
    Object.fromEntries(PV_SOURCES.map((k) => [k, (v.spec as Record<string, unknown> | undefined)?.[k]]));
  if (!semanticEqual(pick(pv), pick(old))) errs.forbidden(root('spec', 'persistentvolumesource'), 'spec.persistentvolumesource is immutable after creation');
  if ((pv.spec?.volumeMode ?? '') !== (old.spec?.volumeMode ?? '')) errs.invalid(root('volumeMode'), pv.spec?.volumeMode ?? null, 'field is immutable');
  if (old.spec?.nodeAffinity && !semanticEqual(pv.spec?.nodeAffinity, old.spec.nodeAffinity)) errs.invalid(root('nodeAffinity'), pv.spec?.nodeAffinity ?? null, 'field is immutable');
  return errs;
}

const base = specStatusStrategy<PersistentVolume>({
  tracksGeneration: false,
  defaults: (pv) => {
    const spec = (pv.spec ??= {} as PersistentVolumeSpec);
    spec.persistentVolumeReclaimPolicy ||= 'Retain';
    spec.volumeMode ||= 'Filesystem';
    if (pv.status) pv.status.phase ||= 'Pending';
  },
  validate,
  validateUpdate,
  validateStatusUpdate: (pv) => {
    const errs = new ErrorList();
    const phases = ['Available', 'Bound', 'Failed', 'Pending', 'Released'];
    const phase = pv.status?.phase;
    if (phase && !phases.includes(phase)) errs.notSupported(root('status', 'phase'), phase, phases);
    return errs;
  },
});

export const persistentVolumeStrategy: Strategy<PersistentVolume> = {
  ...base.strategy,
  prepareForCreate: (pv: PersistentVolume, ctx: RequestContext) => {
    base.strategy.prepareForCreate(pv, ctx);
    pv.status = { phase: 'Pending', lastPhaseTransitionTime: rfc3339Now() };
  },
};

export const persistentVolumeStatusStrategy: Strategy<PersistentVolume> = {
  ...base.statusStrategy,
  prepareForUpdate: (pv: PersistentVolume, old: PersistentVolume, ctx: RequestContext) => {
    base.statusStrategy.prepareForUpdate(pv, old, ctx);
    if (pv.status?.phase && pv.status.phase !== old.status?.phase) pv.status.lastPhaseTransitionTime = rfc3339Now();
  },
};
