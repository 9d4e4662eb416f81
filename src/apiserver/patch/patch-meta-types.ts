// Schema nodes for the shared API types (ObjectMeta, PodSpec, Container, LabelSelector, ...).
// Facts come from the struct tags and markers of k8s.io/api and k8s.io/apimachinery types.go:
// `patchStrategy`/`patchMergeKey` drive strategic merge patch; `+listType`/`+listMapKey`,
// `+structType`/`+mapType` drive server-side apply. Only fields that differ from the defaults
// are listed: an unlisted object field merges key by key, an unlisted list is atomic.

import type { JsonPrimitive } from './json.js';

export interface StructNode {
  type: 'struct';
  fields: Readonly<Record<string, SchemaNode>>;
  /** +structType=atomic: server-side apply owns and replaces it as a whole. */
  atomic?: boolean;
  /** patchStrategy on the field: `replace` replaces the object in SMP; `retainKeys` is informational here. */
  patchStrategy?: 'replace' | 'retainKeys';
  /** Go always serializes it (non-pointer struct): present in the zero object Kubernetes diffs against on create. */
  alwaysPresent?: boolean;
}

export interface MapNode {
  /** map[string]X: keys are data, not field names. */
  type: 'map';
  values?: SchemaNode;
  /** +mapType=atomic */
  atomic?: boolean;
  alwaysPresent?: boolean;
}

export interface ListNode {
  type: 'list';
  items?: SchemaNode;
  /** Server-side apply list type (x-kubernetes-list-type); atomic when absent from the types. */
  listType: 'atomic' | 'set' | 'map';
  /** x-kubernetes-list-map-keys */
  listMapKeys?: readonly string[];
  /** OpenAPI defaults of key fields (a container port's protocol is TCP when omitted). */
  keyDefaults?: Readonly<Record<string, JsonPrimitive>>;
  /** Strategic merge patch: `merge` merges items (by patchMergeKey, or as a set of primitives). */
  patchStrategy?: 'merge' | 'replace';
  patchMergeKey?: string;
  retainKeys?: boolean;
  alwaysPresent?: boolean;
}

export interface ScalarNode {
  type: 'scalar';
}

export type SchemaNode = StructNode | MapNode | ListNode | ScalarNode;

export const struct = (fields: Record<string, SchemaNode>, opts: Omit<StructNode, 'type' | 'fields'> = {}): StructNode => ({ type: 'struct', fields, ...opts });
export const atomicStruct = (fields: Record<string, SchemaNode> = {}): StructNode => struct(fields, { atomic: true });
export const scalar: ScalarNode = { type: 'scalar' };
export const stringMap: MapNode = { type: 'map', values: scalar };
export const atomicMap: MapNode = { type: 'map', values: scalar, atomic: true };
export const atomicList = (items?: SchemaNode): ListNode => ({ type: 'list', listType: 'atomic', ...(items ? { items } : {}) });
/** Non-pointer fields: present (possibly empty) in every object Go serializes. */
export const present = <T extends SchemaNode>(node: T): T => ({ ...node, alwaysPresent: true });

/** A list with a merge key: patchMergeKey for SMP, listMapKeys for apply (default: the same key). */
export function keyedList(
  mergeKey: string,
  items: SchemaNode | undefined,
  opts: { mapKeys?: readonly string[]; keyDefaults?: Record<string, JsonPrimitive>; retainKeys?: boolean; smp?: boolean; ssaAtomic?: boolean } = {},
): ListNode {
  const node: ListNode = opts.ssaAtomic
    ? { type: 'list', listType: 'atomic' }
    : { type: 'list', listType: 'map', listMapKeys: opts.mapKeys ?? [mergeKey] };
  if (items) node.items = items;
  if (opts.keyDefaults) node.keyDefaults = opts.keyDefaults;
  if (opts.smp !== false) {
    node.patchStrategy = 'merge';
    node.patchMergeKey = mergeKey;
  }
  if (opts.retainKeys) node.retainKeys = true;
  return node;
}

/** A list of primitives treated as a set (+listType=set); `smpMerge` adds patchStrategy=merge. */
export const setList = (smpMerge = false): ListNode =>
  smpMerge ? { type: 'list', listType: 'set', items: scalar, patchStrategy: 'merge' } : { type: 'list', listType: 'set', items: scalar };

// ---- k8s.io/apimachinery/pkg/apis/meta/v1 ----

export const LabelSelector = atomicStruct({ matchLabels: stringMap });

export const OwnerReference = atomicStruct();

export const ObjectMeta = struct({
  labels: stringMap,
  annotations: stringMap,
  ownerReferences: keyedList('uid', OwnerReference),
  finalizers: setList(true),
  managedFields: atomicList(),
});

/** metav1.Condition and the per-API condition types: merged by type. */
export const conditions = keyedList('type', undefined);

// ---- k8s.io/api/core/v1 ----

const ObjectReference = atomicStruct();
const LocalObjectReference = atomicStruct();

const EnvVar = struct({
  valueFrom: struct({
    fieldRef: atomicStruct(),
    resourceFieldRef: atomicStruct(),
    configMapKeyRef: atomicStruct(),
    secretKeyRef: atomicStruct(),
    fileKeyRef: atomicStruct(),
  }),
});

const tcp = { protocol: 'TCP' };

const containerFields: Record<string, SchemaNode> = {
  ports: keyedList('containerPort', undefined, { mapKeys: ['containerPort', 'protocol'], keyDefaults: tcp }),
  env: keyedList('name', EnvVar),
  resources: present(struct({ limits: stringMap, requests: stringMap, claims: keyedList('name', undefined, { smp: false }) })),
  volumeMounts: keyedList('mountPath', undefined),
  volumeDevices: keyedList('devicePath', undefined),
};

export const Container = struct(containerFields);
const EphemeralContainer = struct(containerFields);

export const NodeSelector = atomicStruct();

const Affinity = struct({
  nodeAffinity: struct({ requiredDuringSchedulingIgnoredDuringExecution: NodeSelector }),
});

export const PodSpec = struct({
  volumes: keyedList('name', undefined, { retainKeys: true }),
  initContainers: keyedList('name', Container),
  containers: present(keyedList('name', Container)),
  ephemeralContainers: keyedList('name', EphemeralContainer),
  nodeSelector: atomicMap,
  imagePullSecrets: keyedList('name', LocalObjectReference),
  affinity: Affinity,
  hostAliases: keyedList('ip', undefined),
  topologySpreadConstraints: keyedList('topologyKey', struct({ labelSelector: LabelSelector }), {
    mapKeys: ['topologyKey', 'whenUnsatisfiable'],
  }),
  schedulingGates: keyedList('name', undefined),
  resourceClaims: keyedList('name', undefined, { retainKeys: true }),
  overhead: stringMap,
});

export const PodStatus = struct({
  conditions,
  hostIPs: keyedList('ip', undefined, { ssaAtomic: true }),
  podIPs: keyedList('ip', undefined),
  resourceClaimStatuses: keyedList('name', undefined, { retainKeys: true }),
});

export const PodTemplateSpec = struct({ metadata: present(ObjectMeta), spec: present(PodSpec) });

export const coreRefs = { ObjectReference, LocalObjectReference };
