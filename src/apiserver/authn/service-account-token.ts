// Bearer-token authentication of ServiceAccount JWTs (Kubernetes' serviceaccount token
// authenticator): a valid signature is not enough; the account, and the pod, secret or node the
// token is bound to, must still exist with the uid the token names.
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../apimachinery/meta.js';
import type { Authenticator } from './authenticator.js';
import { type BoundKind, type BoundObjectGetter, currentObject } from './bound-objects.js';
import {
  type KubernetesClaim,
  NODE_NAME_EXTRA,
  NODE_UID_EXTRA,
  POD_NAME_EXTRA,
  POD_UID_EXTRA,
  TOKEN_LEEWAY_SECONDS,
  credentialIdForJti,
  readKubernetesClaim,
  serviceAccountGroups,
  serviceAccountUsername,
} from './service-account-claims.js';
import { type ServiceAccountTokenConfig, verifyServiceAccountToken } from './service-account-jwt.js';
import type { UserInfo } from './user.js';
import { CREDENTIAL_ID_EXTRA } from './x509.js';

export interface ServiceAccountTokenAuthenticatorOptions {
  tokens: ServiceAccountTokenConfig;
  objects: BoundObjectGetter;
  now?: () => Date;
  /** Told why a token of this issuer was refused (the request then gets a 401). */
  onReject?: (reason: string) => void;
}

/** The token of an `Authorization: Bearer <token>` header, as Kubernetes' bearertoken authenticator reads it. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const parts = header.trim().split(' ');
  if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return undefined;
  return parts[1] || undefined;
}

class Rejected extends Error {}

/** Authenticates a raw token: the user, or null (foreign or invalid token). Usable by TokenReview too. */
export function serviceAccountTokenValidator(options: ServiceAccountTokenAuthenticatorOptions): (token: string) => Promise<UserInfo | null> {
  const now = options.now ?? (() => new Date());
  return async (token) => {
    const at = now();
    const verified = await verifyServiceAccountToken(options.tokens, token, at);
    if (verified === null) return null;
    if ('rejected' in verified) {
      options.onReject?.(verified.rejected);
      return null;
    }
    const claim = readKubernetesClaim(verified.payload);
    try {
      if (!claim) throw new Rejected('service account token has no valid kubernetes.io claim');
      const { namespace, serviceaccount } = claim;
      if (verified.payload.sub !== serviceAccountUsername(namespace, serviceaccount.name)) {
        throw new Rejected(`service account token subject ${String(verified.payload.sub)} does not match its kubernetes.io claim`);
      }
      await checkBoundObjects(options.objects, claim, at);
      return userOf(claim, typeof verified.payload.jti === 'string' ? verified.payload.jti : '');
    } catch (err) {
      if (!(err instanceof Rejected)) throw err;
      options.onReject?.(err.message);
      return null;
    }
  };
}

/**
 * Authenticates `Authorization: Bearer <jwt>` requests. On success the header is removed, as
 * Kubernetes does, so the credential is not passed on by proxying handlers.
 */
export function serviceAccountTokenAuthenticator(options: ServiceAccountTokenAuthenticatorOptions): Authenticator {
  const validate = serviceAccountTokenValidator(options);
  return async (req) => {
    const token = bearerToken(req);
    if (!token) return null;
    const user = await validate(token);
    if (user) delete req.headers.authorization;
    return user;
  };
}

/** Deleted before now minus the leeway: gone for the token (Kubernetes' invalidIfDeletedBefore). */
function deletedBefore(obj: KubeObject, at: Date): boolean {
  const ts = obj.metadata.deletionTimestamp;
  return !!ts && Date.parse(ts) < at.getTime() - TOKEN_LEEWAY_SECONDS * 1000;
}

async function checkBoundObjects(objects: BoundObjectGetter, claim: KubernetesClaim, at: Date): Promise<void> {
  const { namespace, serviceaccount: sa } = claim;
  const account = await currentObject(objects, 'ServiceAccount', namespace, sa.name, sa.uid);
  if (!account) throw new Rejected(`serviceaccounts "${sa.name}" not found`);
  if (account.metadata.uid !== sa.uid) throw new Rejected(`service account UID (${account.metadata.uid}) does not match claim (${sa.uid})`);
  if (deletedBefore(account, at)) throw new Rejected(`service account ${namespace}/${sa.name} has been deleted`);

  const checkRef = async (kind: BoundKind, ref: { name: string; uid?: string }, ns: string): Promise<void> => {
    const obj = await currentObject(objects, kind, ns, ref.name, ref.uid);
    if (!obj) throw new Rejected('service account token has been invalidated');
    if (obj.metadata.uid !== ref.uid) {
      throw new Rejected(`${kind.toLowerCase()} UID (${obj.metadata.uid}) does not match service account ${kind.toLowerCase()} ref claim (${ref.uid})`);
    }
    if (deletedBefore(obj, at)) throw new Rejected('service account token has been invalidated');
  };
  if (claim.secret) await checkRef('Secret', claim.secret, namespace);
  if (claim.pod) await checkRef('Pod', claim.pod, namespace);
  // A pod-bound token names its pod's node for information only; a node-bound token lives with the node.
  else if (claim.node) await checkRef('Node', claim.node, '');
}

function userOf(claim: KubernetesClaim, jti: string): UserInfo {
  const extra: Record<string, string[]> = {};
  if (claim.pod?.uid) {
    extra[POD_NAME_EXTRA] = [claim.pod.name];
    extra[POD_UID_EXTRA] = [claim.pod.uid];
  }
  const credentialId = credentialIdForJti(jti);
  if (credentialId) extra[CREDENTIAL_ID_EXTRA] = [credentialId];
  if (claim.node) {
    extra[NODE_NAME_EXTRA] = [claim.node.name];
    if (claim.node.uid) extra[NODE_UID_EXTRA] = [claim.node.uid];
  }
  const user: UserInfo = {
    name: serviceAccountUsername(claim.namespace, claim.serviceaccount.name),
    uid: claim.serviceaccount.uid,
    groups: serviceAccountGroups(claim.namespace),
  };
  if (Object.keys(extra).length > 0) user.extra = extra;
  return user;
}
