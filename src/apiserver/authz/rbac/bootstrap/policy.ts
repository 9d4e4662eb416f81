// The bootstrap RBAC policy kite ensures on every start: Kubernetes' default ClusterRoles and
// ClusterRoleBindings, labelled kubernetes.io/bootstrapping=rbac-defaults and annotated
// rbac.authorization.kubernetes.io/autoupdate=true (set it to "false" to keep your own version).
import { SYSTEM_AUTHENTICATED, SYSTEM_MASTERS, SYSTEM_UNAUTHENTICATED } from '../../../authn/user.js';
import type { ClusterRole } from '../../../registry/rbac/clusterroles/strategy.js';
import type { Binding } from '../../../registry/rbac/rbac-validation.js';
import { systemClusterRoles } from './system-roles.js';
import { userClusterRoles } from './user-roles.js';
import { certificateClusterRoleBindings, certificateClusterRoles } from './certificate-roles.js';

export const BOOTSTRAP_LABEL = 'kubernetes.io/bootstrapping';
export const BOOTSTRAP_LABEL_VALUE = 'rbac-defaults';
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';
export const SYSTEM_NODES = 'system:nodes';
export const KUBE_SCHEDULER_USER = 'system:kube-scheduler';
export const KUBE_CONTROLLER_MANAGER_USER = 'system:kube-controller-manager';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

type SubjectSpec = { kind: 'User' | 'Group'; name: string };
const groups = (...names: string[]): SubjectSpec[] => names.map((name) => ({ kind: 'Group', name }));
const users = (...names: string[]): SubjectSpec[] => names.map((name) => ({ kind: 'User', name }));

function clusterBinding(roleName: string, subjects: SubjectSpec[]): Binding {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: roleName },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: roleName },
    subjects: subjects.map((s) => ({ kind: s.kind, apiGroup: RBAC_GROUP, name: s.name })),
  };
}

function withBootstrapMetadata<T extends ClusterRole | Binding>(obj: T): T {
  obj.metadata.labels = { ...obj.metadata.labels, [BOOTSTRAP_LABEL]: BOOTSTRAP_LABEL_VALUE };
  obj.metadata.annotations = { ...obj.metadata.annotations, [AUTOUPDATE_ANNOTATION]: 'true' };
  return obj;
}

export const bootstrapClusterRoles = (): ClusterRole[] => [...userClusterRoles(), ...systemClusterRoles(), ...certificateClusterRoles()].map(withBootstrapMetadata);

export const bootstrapClusterRoleBindings = (): Binding[] =>
  [
    clusterBinding('cluster-admin', groups(SYSTEM_MASTERS)),
    clusterBinding('system:discovery', groups(SYSTEM_AUTHENTICATED)),
    clusterBinding('system:basic-user', groups(SYSTEM_AUTHENTICATED)),
    clusterBinding('system:public-info-viewer', groups(SYSTEM_AUTHENTICATED, SYSTEM_UNAUTHENTICATED)),
    // Kubernetes leaves this binding empty for its Node authorizer; kite has none yet, so nodes
    // get the role through their group, as Kubernetes did before 1.8.
    clusterBinding('system:node', groups(SYSTEM_NODES)),
    clusterBinding('system:kube-scheduler', users(KUBE_SCHEDULER_USER)),
    clusterBinding('system:volume-scheduler', users(KUBE_SCHEDULER_USER)),
    clusterBinding('system:kube-controller-manager', users(KUBE_CONTROLLER_MANAGER_USER)),
    ...certificateClusterRoleBindings(),
  ].map(withBootstrapMetadata);
