// User impersonation (`kubectl --as=jane --as-group=dev`), as Kubernetes' impersonation filter:
// the Impersonate-User / -Group / -Uid / -Extra-<key> headers make the request run as another user,
// provided the authenticated user may `impersonate` each of them (users, groups, serviceaccounts,
// uids, userextras/<key>), which the authorizer decides like any other request. system:masters
// may impersonate anyone; nobody else may unless RBAC grants it.
import type { IncomingMessage } from 'node:http';
import { badRequest, forbidden } from '../../apimachinery/errors.js';
import type { AuthorizationAttributes, Authorizer } from '../authz/authorizer.js';
import type { Authenticator } from './authenticator.js';
import { ANONYMOUS_USER, SYSTEM_AUTHENTICATED, SYSTEM_UNAUTHENTICATED, type UserInfo } from './user.js';

const USER_HEADER = 'impersonate-user';
const UID_HEADER = 'impersonate-uid';
const GROUP_HEADER = 'impersonate-group';
const EXTRA_PREFIX = 'impersonate-extra-';
const SA_PREFIX = 'system:serviceaccount:';

/** One thing the caller asks to act as, and the access check it needs. */
interface ImpersonationRequest {
  kind: 'User' | 'ServiceAccount' | 'Group' | 'UID' | 'UserExtra';
  name: string;
  namespace?: string;
  /** UserExtra: the extra key. */
  key?: string;
}

function parseServiceAccount(username: string): { namespace: string; name: string } | null {
  if (!username.startsWith(SA_PREFIX)) return null;
  const parts = username.slice(SA_PREFIX.length).split(':');
  return parts.length === 2 && parts[0] && parts[1] ? { namespace: parts[0], name: parts[1] } : null;
}

/** The impersonation the headers ask for; null when there is none. Throws 400 when malformed. */
export function impersonationRequests(req: IncomingMessage): ImpersonationRequest[] | null {
  // Almost no request impersonates: a look at the raw header names spares building headersDistinct.
  if (!hasImpersonationHeader(req.rawHeaders)) return null;
  const headers = req.headersDistinct;
  const out: ImpersonationRequest[] = [];
  const user = headers[USER_HEADER]?.[0] ?? '';
  if (user) {
    const sa = parseServiceAccount(user);
    out.push(sa ? { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace } : { kind: 'User', name: user });
  }
  for (const group of headers[GROUP_HEADER] ?? []) out.push({ kind: 'Group', name: group });
  for (const [header, values] of Object.entries(headers)) {
    if (!header.startsWith(EXTRA_PREFIX) || !values) continue;
    const key = decodeURIComponent(header.slice(EXTRA_PREFIX.length));
    for (const value of values) out.push({ kind: 'UserExtra', name: value, key });
  }
  const uid = headers[UID_HEADER]?.[0] ?? '';
  if (uid) out.push({ kind: 'UID', name: uid });
  if (out.length === 0) return null;
  if (!user) throw badRequest('requested impersonation of groups, extra or uid without impersonating a user');
  return out;
}

/** rawHeaders alternates names and values; names keep the client's case. */
function hasImpersonationHeader(rawHeaders: string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length > 12 && (name.charCodeAt(0) | 0x20) === 0x69 /* i */ && name.slice(0, 12).toLowerCase() === 'impersonate-') return true;
  }
  return false;
}

function checkFor(request: ImpersonationRequest, requester: UserInfo): AuthorizationAttributes {
  const attrs: AuthorizationAttributes = {
    user: requester,
    verb: 'impersonate',
    isResourceRequest: true,
    namespace: request.namespace ?? '',
    apiGroup: '',
    apiVersion: 'v1',
    resource: '',
    subresource: '',
    name: request.name,
    path: '',
  };
  switch (request.kind) {
    case 'User':
      return { ...attrs, resource: 'users' };
    case 'ServiceAccount':
      return { ...attrs, resource: 'serviceaccounts' };
    case 'Group':
      return { ...attrs, resource: 'groups' };
    case 'UID':
      return { ...attrs, apiGroup: 'authentication.k8s.io', resource: 'uids' };
    case 'UserExtra':
      return { ...attrs, apiGroup: 'authentication.k8s.io', resource: 'userextras', subresource: request.key ?? '' };
  }
}

/** Runs `authenticate`, then, when the request asks for it, swaps in the impersonated user. */
export function impersonatingAuthenticator(authenticate: Authenticator, authorizer: Authorizer): Authenticator {
  return async (req) => {
    const requester = await authenticate(req);
    if (!requester) return null;
    const requests = impersonationRequests(req);
    if (!requests) return requester;
    let name = '';
    let uid: string | undefined;
    const groups: string[] = [];
    const extra: Record<string, string[]> = {};
    const groupsRequested = requests.some((r) => r.kind === 'Group');
    for (const request of requests) {
      const attrs = checkFor(request, requester);
      const result = await authorizer.authorize(attrs);
      if (result.decision !== 'allow') {
        const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
        throw forbidden({ group: attrs.apiGroup, resource }, attrs.name, requester.name, 'impersonate', attrs.namespace || undefined, result.reason);
      }
      switch (request.kind) {
        case 'User':
          name = request.name;
          break;
        case 'ServiceAccount':
          name = `${SA_PREFIX}${request.namespace}:${request.name}`;
          // a service account's groups are fixed: they come with it unless groups were asked for
          if (!groupsRequested) groups.push('system:serviceaccounts', `system:serviceaccounts:${request.namespace}`);
          break;
        case 'Group':
          groups.push(request.name);
          break;
        case 'UID':
          uid = request.name;
          break;
        case 'UserExtra':
          (extra[request.key ?? ''] ??= []).push(request.name);
          break;
      }
    }
    if (name !== ANONYMOUS_USER) {
      if (!groups.includes(SYSTEM_AUTHENTICATED) && !groups.includes(SYSTEM_UNAUTHENTICATED)) groups.push(SYSTEM_AUTHENTICATED);
    } else if (!groups.includes(SYSTEM_UNAUTHENTICATED)) {
      groups.push(SYSTEM_UNAUTHENTICATED);
    }
    // Nothing after this point (proxies to agents included) should see the headers again.
    for (const header of Object.keys(req.headers)) if (header.startsWith('impersonate-')) delete req.headers[header];
    return { name, groups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
  };
}
