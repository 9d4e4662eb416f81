// Bootstrap tokens (Kubernetes' plugin/pkg/auth/authenticator/token/bootstrap): `Bearer <id>.<secret>`
// matched against the Secret kube-system/bootstrap-token-<id> of type bootstrap.kubernetes.io/token.
// The user is system:bootstrap:<id> in system:bootstrappers (+ the secret's auth-extra-groups):
// enough to post a CertificateSigningRequest for a node's client certificate, nothing more.
import { timingSafeEqual } from 'node:crypto';
import type { KubeObject } from '../../apimachinery/meta.js';
import { BOOTSTRAP_TOKEN } from '../../pki/join-token.js';
import type { Authenticator } from './authenticator.js';
import type { BoundObjectGetter } from './bound-objects.js';
import { bearerToken } from './service-account-token.js';
import type { UserInfo } from './user.js';

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
export const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
/** bootstrapapi.BootstrapGroupPattern: extra groups must stay inside system:bootstrappers:. */
const EXTRA_GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

export interface BootstrapTokenAuthenticatorOptions {
  /** Reads kube-system Secrets (servedObjectGetter). */
  objects: BoundObjectGetter;
  now?: () => Date;
  /** Told why a token that looked like a bootstrap token was refused (the request gets a 401). */
  onReject?: (reason: string) => void;
}

/** A Secret's data value as text ('' when absent). */
export function secretValue(secret: KubeObject, key: string): string {
  const data = secret.data as Record<string, string> | undefined;
  if (data?.[key] !== undefined) return Buffer.from(data[key]!, 'base64').toString('utf8');
  const stringData = secret.stringData as Record<string, string> | undefined;
  return stringData?.[key] ?? '';
}

const sameText = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The user a valid bootstrap token stands for, or the reason it is refused. */
export function bootstrapTokenUser(secret: KubeObject | null, tokenId: string, tokenSecret: string, now: Date): UserInfo | string {
  if (!secret) return `no secret ${BOOTSTRAP_TOKEN_SECRET_PREFIX}${tokenId}`;
  if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return `secret ${secret.metadata.name} is not of type ${BOOTSTRAP_TOKEN_SECRET_TYPE}`;
  if (secret.metadata.deletionTimestamp) return `secret ${secret.metadata.name} is being deleted`;
  if (secretValue(secret, 'token-id') !== tokenId) return 'token id does not match its secret';
  if (!sameText(secretValue(secret, 'token-secret'), tokenSecret)) return 'token secret does not match';
  const expiration = secretValue(secret, 'expiration');
  if (expiration && !(Date.parse(expiration) > now.getTime())) return `token ${tokenId} expired at ${expiration}`;
  if (secretValue(secret, 'usage-bootstrap-authentication') !== 'true') return `token ${tokenId} is not allowed for authentication`;
  const extra = secretValue(secret, 'auth-extra-groups').split(',').map((g) => g.trim()).filter(Boolean);
  const bad = extra.find((g) => !EXTRA_GROUP.test(g));
  if (bad) return `token ${tokenId} has an invalid extra group ${JSON.stringify(bad)}`;
  return { name: `${BOOTSTRAP_USER_PREFIX}${tokenId}`, groups: [BOOTSTRAPPERS_GROUP, ...extra.filter((g) => g !== BOOTSTRAPPERS_GROUP)] };
}

export function bootstrapTokenAuthenticator(options: BootstrapTokenAuthenticatorOptions): Authenticator {
  const now = options.now ?? (() => new Date());
  return async (req) => {
    const token = bearerToken(req);
    const m = token ? BOOTSTRAP_TOKEN.exec(token) : null;
    if (!m) return null;
    const [, tokenId, tokenSecret] = m as unknown as [string, string, string];
    const name = `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${tokenId}`;
    // The watch cache first; a token created a moment ago may not be there yet.
    const secret = (await options.objects.get('Secret', 'kube-system', name, false)) ?? (await options.objects.get('Secret', 'kube-system', name, true));
    const user = bootstrapTokenUser(secret, tokenId, tokenSecret, now());
    if (typeof user === 'string') {
      options.onReject?.(user);
      return null;
    }
    delete req.headers.authorization;
    return user;
  };
}
