// The protobufjs Root built from kite's .proto subset, and which message each apiVersion+kind uses.
import protobuf from 'protobufjs';
import { authenticationProto, authorizationProto, certificatesProto, rbacProto } from './schema/access.js';
import { autoscalingProto, networkingProto, policyProto, schedulingProto } from './schema/cluster.js';
import { coreContainerProto } from './schema/core-container.js';
import { coreObjectsProto } from './schema/core-objects.js';
import { corePodProto } from './schema/core-pod.js';
import { coreVolumesProto } from './schema/core-volumes.js';
import { metaProto, quantityProto, runtimeProto, valueTypesProto } from './schema/meta.js';
import { appsProto, batchProto } from './schema/workloads.js';

const sources = [
  runtimeProto,
  valueTypesProto,
  quantityProto,
  metaProto,
  coreContainerProto,
  corePodProto,
  coreVolumesProto,
  coreObjectsProto,
  appsProto,
  batchProto,
  rbacProto,
  authorizationProto,
  authenticationProto,
  certificatesProto,
  autoscalingProto,
  policyProto,
  networkingProto,
  schedulingProto,
];

const buildRoot = (): protobuf.Root => {
  const root = new protobuf.Root();
  // keepCase: Kubernetes proto field names are already the JSON names (camelCase, "podIP", "Raw").
  for (const text of sources) protobuf.parse(text, root, { keepCase: true });
  root.resolveAll(); // fails at load time, not on the first request, if a type name is wrong
  return root;
};

export const protoRoot: protobuf.Root = buildRoot();

/** Message type for each "<apiVersion> <kind>" a protobuf body may carry. */
const kindPackages: Record<string, { pkg: string; kinds: string[] }> = {
  v1: {
    pkg: 'k8s.io.api.core.v1',
    kinds: ['Pod', 'Namespace', 'Secret', 'ConfigMap', 'Service', 'ServiceAccount', 'ResourceQuota', 'PersistentVolumeClaim'],
  },
  'apps/v1': { pkg: 'k8s.io.api.apps.v1', kinds: ['Deployment', 'ReplicaSet'] },
  'batch/v1': { pkg: 'k8s.io.api.batch.v1', kinds: ['Job', 'CronJob'] },
  'rbac.authorization.k8s.io/v1': {
    pkg: 'k8s.io.api.rbac.v1',
    kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  },
  'authorization.k8s.io/v1': {
    pkg: 'k8s.io.api.authorization.v1',
    kinds: ['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'],
  },
  'authentication.k8s.io/v1': { pkg: 'k8s.io.api.authentication.v1', kinds: ['TokenRequest', 'SelfSubjectReview'] },
  'certificates.k8s.io/v1': { pkg: 'k8s.io.api.certificates.v1', kinds: ['CertificateSigningRequest'] },
  'autoscaling/v1': { pkg: 'k8s.io.api.autoscaling.v1', kinds: ['Scale'] },
  'policy/v1': { pkg: 'k8s.io.api.policy.v1', kinds: ['Eviction', 'PodDisruptionBudget'] },
  'networking.k8s.io/v1': { pkg: 'k8s.io.api.networking.v1', kinds: ['Ingress'] },
  'scheduling.k8s.io/v1': { pkg: 'k8s.io.api.scheduling.v1', kinds: ['PriorityClass'] },
};

const messageByKind = new Map<string, protobuf.Type>();
for (const [apiVersion, { pkg, kinds }] of Object.entries(kindPackages)) {
  for (const kind of kinds) messageByKind.set(`${apiVersion} ${kind}`, protoRoot.lookupType(`${pkg}.${kind}`));
}

const deleteOptions = protoRoot.lookupType('k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');

/**
 * The message type for a body's apiVersion and kind, or undefined if kite has none.
 * DeleteOptions is registered in every group version (and meta.k8s.io/v1), so its apiVersion is not checked.
 */
export const messageTypeFor = (apiVersion: string, kind: string): protobuf.Type | undefined =>
  kind === 'DeleteOptions' ? deleteOptions : messageByKind.get(`${apiVersion} ${kind}`);

/** "apps/v1 Deployment"-style names of every kind decodable from protobuf. */
export const protobufKinds = (): string[] => [...messageByKind.keys(), '<any> DeleteOptions'];

export const unknownType: protobuf.Type = protoRoot.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
