// Who may use the agent's API: clients with a certificate from kite's client CA naming the API
// server (system:apiserver) or a member of system:masters. Others get 401 (no or a bad
// certificate) or 403 (a valid certificate of another user).
import type { IncomingMessage } from 'node:http';
import { x509Authenticator } from '../../apiserver/authn/x509.js';
import type { UserInfo } from '../../apiserver/authn/user.js';
import { AgentHttpError } from './http-util.js';

export type AgentAuthorizer = (user: UserInfo) => boolean;

export const defaultAgentAuthorizer: AgentAuthorizer = (user) =>
  user.name === 'system:apiserver' || user.groups.includes('system:masters');

export function agentAuthenticator(clientCaPem: string, authorize: AgentAuthorizer = defaultAgentAuthorizer): (req: IncomingMessage) => Promise<UserInfo> {
  const authenticate = x509Authenticator({ clientCaPem });
  return async (req) => {
    const user = await authenticate(req);
    if (!user) throw new AgentHttpError(401, 'Unauthorized');
    if (!authorize(user)) throw new AgentHttpError(403, `Forbidden (user=${user.name}, verb=${(req.method ?? '').toLowerCase()}, path=${(req.url ?? '').split('?')[0]})`);
    return user;
  };
}
