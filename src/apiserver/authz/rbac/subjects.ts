// Which users a binding subject names, as index keys: a user request looks up its own name and
// each of its groups, so finding its bindings costs O(groups), not O(bindings in the cluster).
import type { UserInfo } from '../../authn/user.js';
import type { Subject } from '../../registry/rbac/rbac-validation.js';

export const SERVICE_ACCOUNT_PREFIX = 'system:serviceaccount:';

export const userKey = (name: string): string => `User\0${name}`;
export const groupKey = (name: string): string => `Group\0${name}`;

/** The service account user name Kubernetes authenticates a token of `namespace/name` as. */
export const serviceAccountUser = (namespace: string, name: string): string => `${SERVICE_ACCOUNT_PREFIX}${namespace}:${name}`;

/**
 * The index key of a subject, or null when it can match no user (unknown kind, a ServiceAccount
 * without namespace in a ClusterRoleBinding). A ServiceAccount subject of a RoleBinding defaults
 * to the binding's namespace, and is the user system:serviceaccount:NS:NAME.
 */
export function subjectKey(subject: Subject, bindingNamespace: string): string | null {
  const name = subject.name ?? '';
  if (!name) return null;
  switch (subject.kind) {
    case 'User':
      return userKey(name);
    case 'Group':
      return groupKey(name);
    case 'ServiceAccount': {
      const namespace = subject.namespace || bindingNamespace;
      return namespace ? userKey(serviceAccountUser(namespace, name)) : null;
    }
    default:
      return null;
  }
}

/** Keys a request by this user is found under. */
export const keysOfUser = (user: UserInfo): string[] => [userKey(user.name), ...user.groups.map(groupKey)];

/** Kubernetes' describeSubject, used in "allowed by" reasons: `User "jane"`, `ServiceAccount "sa/ns"`. */
export function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') return `${subject.kind} "${subject.name}/${subject.namespace || bindingNamespace}"`;
  return `${subject.kind} "${subject.name}"`;
}
