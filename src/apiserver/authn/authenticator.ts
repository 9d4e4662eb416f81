// The authentication seam: each credential type is one Authenticator; the API server asks a union.
import type { IncomingMessage } from 'node:http';
import { type UserInfo, withAuthenticatedGroup } from './user.js';

/**
 * Finds out who sent a request. Resolves null when the request carries no credential this
 * authenticator understands, or one it rejects (expired, wrong CA...): the API server answers 401.
 */
export type Authenticator = (req: IncomingMessage) => Promise<UserInfo | null>;

export interface UnionAuthenticatorOptions {
  /** Called when an authenticator throws; the union goes on with the next one. */
  onError?: (error: unknown, index: number) => void;
}

/**
 * Tries each authenticator in order and takes the first user found (client certificate, then bearer
 * tokens, ...), adding system:authenticated to its groups. Null when none accepts the request.
 */
export function unionAuthenticator(authenticators: Authenticator[], options: UnionAuthenticatorOptions = {}): Authenticator {
  const list = [...authenticators];
  return async (req) => {
    for (const [index, authenticate] of list.entries()) {
      let user: UserInfo | null;
      try {
        user = await authenticate(req);
      } catch (error) {
        options.onError?.(error, index);
        continue;
      }
      if (user) return withAuthenticatedGroup(user);
    }
    return null;
  };
}
