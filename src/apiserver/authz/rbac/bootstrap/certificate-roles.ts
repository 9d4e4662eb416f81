// The bootstrap policy for node certificates (Kubernetes 1.32 policy.go's CSR roles) and the
// bindings kubeadm creates for TLS bootstrapping, named kite:*: bootstrap tokens may post CSRs
// and have a new node's client certificate auto-approved; nodes may have theirs renewed.
import type { ClusterRole } from '../../../registry/rbac/clusterroles/strategy.js';
import type { Binding } from '../../../registry/rbac/rbac-validation.js';
import { rule } from './rule-builder.js';

const certificates = 'certificates.k8s.io';
const RBAC_GROUP = 'rbac.authorization.k8s.io';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
export const NODE_CLIENT_ROLE = 'system:certificates.k8s.io:certificatesigningrequests:nodeclient';
export const SELF_NODE_CLIENT_ROLE = 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient';

const role = (name: string, rules: ClusterRole['rules']): ClusterRole => ({ apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: { name }, rules });
const approver = (signer: string): ClusterRole =>
  role(`system:certificates.k8s.io:${signer.replace('kubernetes.io/', '')}-approver`, [rule('approve').groups(certificates).names(signer).resources('signers')]);

export const certificateClusterRoles = (): ClusterRole[] => [
  role('system:node-bootstrapper', [rule('create', 'get', 'list', 'watch').groups(certificates).resources('certificatesigningrequests')]),
  role(NODE_CLIENT_ROLE, [rule('create').groups(certificates).resources('certificatesigningrequests/nodeclient')]),
  role(SELF_NODE_CLIENT_ROLE, [rule('create').groups(certificates).resources('certificatesigningrequests/selfnodeclient')]),
  approver('kubernetes.io/kube-apiserver-client'),
  approver('kubernetes.io/kube-apiserver-client-kubelet'),
  approver('kubernetes.io/kubelet-serving'),
];

const groupBinding = (name: string, roleName: string, group: string): Binding => ({
  apiVersion: `${RBAC_GROUP}/v1`,
  kind: 'ClusterRoleBinding',
  metadata: { name },
  roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: roleName },
  subjects: [{ kind: 'Group', apiGroup: RBAC_GROUP, name: group }],
});

export const certificateClusterRoleBindings = (): Binding[] => [
  groupBinding('kite:kubelet-bootstrap', 'system:node-bootstrapper', BOOTSTRAPPERS_GROUP),
  groupBinding('kite:node-autoapprove-bootstrap', NODE_CLIENT_ROLE, BOOTSTRAPPERS_GROUP),
  groupBinding('kite:node-autoapprove-certificate-rotation', SELF_NODE_CLIENT_ROLE, 'system:nodes'),
];
