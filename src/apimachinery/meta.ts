// Object metadata types (metav1) and the small helpers every component needs:
// group/version parsing, timestamps, owner references and cache keys.

import type { GroupResource } from './errors.js';

export type { GroupResource } from './errors.js';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update' | (string & {});
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  /** RFC3339, seconds precision, 'Z'. */
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
  selfLink?: string;
}

export interface TypeMeta {
  apiVersion?: string;
  kind?: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  selfLink?: string;
}

export interface List<T = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

export interface GroupVersion {
  group: string;
  version: string;
}

export interface GroupVersionKind extends GroupVersion {
  kind: string;
}

export interface GroupVersionResource extends GroupVersion {
  resource: string;
}

/** schema.ParseGroupVersion: "apps/v1" -> {apps, v1}; "v1" -> {"", v1}; "" -> {"", ""}. */
export const parseGroupVersion = (apiVersion: string): GroupVersion => {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const slashes = apiVersion.split('/').length - 1;
  if (slashes === 0) return { group: '', version: apiVersion };
  if (slashes === 1) {
    const i = apiVersion.indexOf('/');
    return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
  }
  throw new Error(`unexpected GroupVersion string: ${apiVersion}`);
};

/** The apiVersion string: "apps/v1", or "v1" for the core group. */
export const formatGroupVersion = (gv: GroupVersion): string => (gv.group ? `${gv.group}/${gv.version}` : gv.version);

/** schema.FromAPIVersionAndKind: an unparsable apiVersion yields an empty group and version. */
export const gvkFromAPIVersionAndKind = (apiVersion: string, kind: string): GroupVersionKind => {
  try {
    return { ...parseGroupVersion(apiVersion), kind };
  } catch {
    return { group: '', version: '', kind };
  }
};

export const gvkOf = (obj: TypeMeta): GroupVersionKind => gvkFromAPIVersionAndKind(obj.apiVersion ?? '', obj.kind ?? '');

/** Go's GroupVersionKind.String(): "apps/v1, Kind=Deployment", "/v1, Kind=Pod". */
export const formatGVK = (gvk: GroupVersionKind): string => `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`;

/** Go's GroupVersionResource.String(): "apps/v1, Resource=deployments". */
export const formatGVR = (gvr: GroupVersionResource): string => `${gvr.group}/${gvr.version}, Resource=${gvr.resource}`;

/** "deployments.apps" -> {apps, deployments}; "pods" -> {"", pods}. */
export const parseGroupResource = (s: string): GroupResource => {
  const i = s.indexOf('.');
  return i >= 0 ? { group: s.slice(i + 1), resource: s.slice(0, i) } : { group: '', resource: s };
};

/** metav1.Time as serialized: RFC3339 with seconds precision in UTC, e.g. "2024-05-01T12:00:00Z". */
export const formatTime = (date: Date | number): string => new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const now = (clock: () => number = Date.now): string => formatTime(clock());

/** metav1.MicroTime as serialized (events, leases): "2024-05-01T12:00:00.123000Z". */
export const formatMicroTime = (date: Date | number): string => `${new Date(date).toISOString().slice(0, -1)}000Z`;

export const nowMicro = (clock: () => number = Date.now): string => formatMicroTime(clock());

/** The owner reference marked controller: true, if any (metav1.GetControllerOf). */
export const controllerRef = (obj: { metadata?: ObjectMeta }): OwnerReference | undefined =>
  obj.metadata?.ownerReferences?.find((ref) => ref.controller === true);

/** True when `obj`'s controller reference points at `owner` (by uid, as metav1.IsControlledBy). */
export const isControlledBy = (obj: { metadata?: ObjectMeta }, owner: { metadata?: ObjectMeta }): boolean => {
  const ref = controllerRef(obj);
  return ref !== undefined && owner.metadata?.uid !== undefined && ref.uid === owner.metadata.uid;
};

/** metav1.NewControllerRef: the reference a controller puts on the objects it creates. */
export const newControllerRef = (owner: { metadata: ObjectMeta }, gvk: GroupVersionKind): OwnerReference => ({
  apiVersion: formatGroupVersion(gvk),
  kind: gvk.kind,
  name: owner.metadata.name ?? '',
  uid: owner.metadata.uid ?? '',
  controller: true,
  blockOwnerDeletion: true,
});

/** cache.MetaNamespaceKeyFunc: "namespace/name", or "name" for cluster-scoped objects. */
export const metaNamespaceKey = (obj: { metadata?: ObjectMeta }): string => {
  const { namespace, name = '' } = obj.metadata ?? {};
  return namespace ? `${namespace}/${name}` : name;
};

/** cache.SplitMetaNamespaceKey. */
export const splitMetaNamespaceKey = (key: string): { namespace: string; name: string } => {
  const parts = key.split('/');
  if (parts.length === 1) return { namespace: '', name: parts[0]! };
  if (parts.length === 2) return { namespace: parts[0]!, name: parts[1]! };
  throw new Error(`unexpected key format: "${key}"`);
};
