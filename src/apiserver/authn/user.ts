// Who made a request, as authentication found out (Kubernetes' user.Info).

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** Every authenticated user is in this group; RBAC bindings to it mean "anyone with a credential". */
export const SYSTEM_AUTHENTICATED = 'system:authenticated';
/** The superuser group: members pass authorization for everything. */
export const SYSTEM_MASTERS = 'system:masters';
/** The anonymous user and its group, used only if anonymous access is ever switched on. */
export const ANONYMOUS_USER = 'system:anonymous';
export const SYSTEM_UNAUTHENTICATED = 'system:unauthenticated';

/**
 * Adds system:authenticated to the user's groups (once), as Kubernetes does for every user an
 * authenticator accepted; the anonymous user is the exception and stays out of the group.
 */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.name === ANONYMOUS_USER || user.groups.includes(SYSTEM_AUTHENTICATED)) return user;
  return { ...user, groups: [...user.groups, SYSTEM_AUTHENTICATED] };
}
