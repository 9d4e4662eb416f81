// Patch metadata per kind: which lists merge by which key (strategic merge patch) and which
// lists, maps and structs are keyed, sets or atomic (server-side apply). PodSpec and the other
// shared types live in patch-meta-types.ts and are reused wherever the Go types embed them.
// A kind that is not listed gets only ObjectMeta's metadata; every unlisted field behaves like
// JSON merge patch (objects merge, lists are replaced) and, for apply, like a granular object
// or an atomic list.

import {
  LabelSelector,
  ObjectMeta,
  PodSpec,
  PodStatus,
  PodTemplateSpec,
  NodeSelector,
  type SchemaNode,
  type StructNode,
  atomicList,
  atomicMap,
  atomicStruct,
  conditions,
  coreRefs,
  keyedList,
  present,
  setList,
  stringMap,
  struct,
} from './patch-meta-types.js';

export * from './patch-meta-types.js';

/** A top-level object: metadata, spec and status are non-pointer structs in every built-in kind. */
const kind = (fields: Record<string, SchemaNode> = {}): StructNode => {
  const out: Record<string, SchemaNode> = { metadata: present(ObjectMeta) };
  for (const [k, v] of Object.entries(fields)) out[k] = k === 'spec' || k === 'status' ? present(v) : v;
  return struct(out);
};

const withStatusConditions = (spec: StructNode, status: Record<string, SchemaNode> = {}): Record<string, SchemaNode> => ({
  spec,
  status: struct({ conditions, ...status }),
});

const templated = (extra: Record<string, SchemaNode> = {}): StructNode =>
  struct({ selector: LabelSelector, template: present(PodTemplateSpec), ...extra });

const JobSpec = templated();
const { ObjectReference } = coreRefs;

const core: Record<string, StructNode> = {
  Pod: kind({ spec: PodSpec, status: PodStatus }),
  PodTemplate: kind({ template: present(PodTemplateSpec) }),
  ReplicationController: kind(withStatusConditions(struct({ selector: atomicMap, template: PodTemplateSpec }))),
  Service: kind(
    withStatusConditions(
      struct({
        ports: keyedList('port', undefined, { mapKeys: ['port', 'protocol'], keyDefaults: { protocol: 'TCP' } }),
        selector: atomicMap,
      }),
    ),
  ),
  Endpoints: kind(),
  ConfigMap: kind({ data: stringMap, binaryData: stringMap }),
  Secret: kind({ data: stringMap, stringData: stringMap }),
  Namespace: kind({ status: struct({ conditions }) }),
  Node: kind({
    spec: struct({ podCIDRs: setList(true) }),
    status: struct({
      conditions,
      addresses: keyedList('type', undefined),
      capacity: stringMap,
      allocatable: stringMap,
      daemonEndpoints: present(struct({})),
      nodeInfo: present(struct({})),
    }),
  }),
  ServiceAccount: kind({ secrets: keyedList('name', ObjectReference), imagePullSecrets: atomicList() }),
  PersistentVolume: kind({
    spec: struct({
      capacity: stringMap,
      claimRef: struct({}), // +structType=granular overrides ObjectReference's atomic
      nodeAffinity: struct({ required: NodeSelector }),
    }),
  }),
  PersistentVolumeClaim: kind(
    withStatusConditions(struct({ selector: LabelSelector, dataSource: atomicStruct(), resources: present(struct({ limits: stringMap, requests: stringMap })) }), {
      capacity: stringMap,
      allocatedResources: stringMap,
    }),
  ),
  ResourceQuota: kind({ spec: struct({ hard: stringMap, scopeSelector: atomicStruct() }), status: struct({ hard: stringMap, used: stringMap }) }),
  LimitRange: kind({ spec: struct({}) }),
  Event: kind({ involvedObject: present(ObjectReference), related: ObjectReference, source: present(struct({})) }),
  ComponentStatus: kind({ conditions }),
};

const apps: Record<string, StructNode> = {
  Deployment: kind(withStatusConditions(templated({ strategy: present(struct({}, { patchStrategy: 'retainKeys' })) }))),
  ReplicaSet: kind(withStatusConditions(templated())),
  DaemonSet: kind(withStatusConditions(templated({ updateStrategy: present(struct({})) }))),
  StatefulSet: kind(withStatusConditions(templated({ updateStrategy: present(struct({})) }))),
  ControllerRevision: kind(),
};

const batch: Record<string, StructNode> = {
  Job: kind({
    spec: JobSpec,
    status: struct({
      conditions: keyedList('type', undefined, { ssaAtomic: true }),
      uncountedTerminatedPods: struct({ succeeded: setList(), failed: setList() }),
    }),
  }),
  CronJob: kind({ spec: struct({ jobTemplate: present(struct({ metadata: present(ObjectMeta), spec: present(JobSpec) })) }), status: struct({ active: atomicList(ObjectReference) }) }),
};

const hpaSpec = struct({ scaleTargetRef: present(atomicStruct()) });

const kinds: Record<string, Record<string, StructNode>> = {
  v1: core,
  'apps/v1': apps,
  'batch/v1': batch,
  'networking.k8s.io/v1': {
    Ingress: kind({ spec: struct({ defaultBackend: struct({ service: struct({ port: atomicStruct() }) }) }) }),
    IngressClass: kind(),
    NetworkPolicy: kind({ spec: struct({ podSelector: present(LabelSelector) }) }),
  },
  'rbac.authorization.k8s.io/v1': {
    Role: kind(),
    ClusterRole: kind({ aggregationRule: struct({}) }),
    RoleBinding: kind({ roleRef: present(atomicStruct()) }),
    ClusterRoleBinding: kind({ roleRef: present(atomicStruct()) }),
  },
  'policy/v1': {
    PodDisruptionBudget: kind({ spec: struct({ selector: { ...LabelSelector, patchStrategy: 'replace' } }), status: struct({ conditions }) }),
  },
  'autoscaling/v1': { HorizontalPodAutoscaler: kind({ spec: hpaSpec }), Scale: kind() },
  'autoscaling/v2': { HorizontalPodAutoscaler: kind({ spec: hpaSpec, status: struct({ conditions }) }) },
  'discovery.k8s.io/v1': { EndpointSlice: kind() },
  'coordination.k8s.io/v1': { Lease: kind() },
  'storage.k8s.io/v1': {
    StorageClass: kind({ parameters: stringMap }),
    CSIDriver: kind(),
    CSINode: kind({ spec: struct({ drivers: keyedList('name', undefined) }) }),
  },
  'scheduling.k8s.io/v1': { PriorityClass: kind() },
  'events.k8s.io/v1': { Event: kind({ regarding: present(ObjectReference), related: ObjectReference }) },
};

const generic = kind();

/** True when kite knows the kind's patch metadata (false for custom resources). */
export const hasSchemaFor = (apiVersion: string, kindName: string): boolean => kinds[apiVersion]?.[kindName] !== undefined;

/** The schema of a kind; kinds kite does not know get ObjectMeta's metadata only. */
export const schemaFor = (apiVersion: string, kindName: string): StructNode => kinds[apiVersion]?.[kindName] ?? generic;

/** The node for a field of an object node, or undefined when the field is not described. */
export function fieldSchema(node: SchemaNode | undefined, field: string): SchemaNode | undefined {
  if (!node) return undefined;
  if (node.type === 'struct') return node.fields[field];
  if (node.type === 'map') return node.values;
  return undefined;
}

/** The node for the items of a list node. */
export const itemSchema = (node: SchemaNode | undefined): SchemaNode | undefined => (node?.type === 'list' ? node.items : undefined);
