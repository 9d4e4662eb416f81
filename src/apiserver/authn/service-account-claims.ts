// What a ServiceAccount token says, in Kubernetes' claim layout (pkg/serviceaccount/claims.go), and
// the names a service account user gets (system:serviceaccount:NS:NAME and its groups).
import { randomUUID } from 'node:crypto';

/** kube-apiserver's default --service-account-issuer in kubeadm clusters; also the API audience. */
export const DEFAULT_SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** The audiences the API server accepts (--api-audiences defaults to the issuer). */
export const DEFAULT_API_AUDIENCES = [DEFAULT_SERVICE_ACCOUNT_ISSUER];

/** TokenRequest's default lifetime and its bounds (authentication/validation.ValidateTokenRequest). */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;
export const MIN_TOKEN_EXPIRATION_SECONDS = 600;
export const MAX_TOKEN_EXPIRATION_SECONDS = 2 ** 32;
/** go-jose's jwt.DefaultLeeway, which Kubernetes applies to exp, nbf, iat and deletion times. */
export const TOKEN_LEEWAY_SECONDS = 60;

export const SERVICE_ACCOUNT_USERNAME_PREFIX = 'system:serviceaccount:';
export const ALL_SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

export const POD_NAME_EXTRA = 'authentication.kubernetes.io/pod-name';
export const POD_UID_EXTRA = 'authentication.kubernetes.io/pod-uid';
export const NODE_NAME_EXTRA = 'authentication.kubernetes.io/node-name';
export const NODE_UID_EXTRA = 'authentication.kubernetes.io/node-uid';

export const serviceAccountUsername = (namespace: string, name: string): string => `${SERVICE_ACCOUNT_USERNAME_PREFIX}${namespace}:${name}`;
export const serviceAccountGroups = (namespace: string): string[] => [ALL_SERVICE_ACCOUNTS_GROUP, `${ALL_SERVICE_ACCOUNTS_GROUP}:${namespace}`];
/** The credential id Kubernetes records for a token with a JWT ID (audit logs, user extra). */
export const credentialIdForJti = (jti: string): string => (jti ? `JTI=${jti}` : '');

export interface ObjectRef {
  name: string;
  uid?: string;
}

/** The private "kubernetes.io" claim. */
export interface KubernetesClaim {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
}

export interface ServiceAccountTokenClaims {
  [claim: string]: unknown;
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': KubernetesClaim;
}

export interface ClaimsInput {
  issuer: string;
  serviceAccount: { namespace: string; name: string; uid: string };
  audiences: string[];
  expirationSeconds: number;
  /** At most one of pod and secret; a node alone (node-bound) or with a pod (the pod's node). */
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
  now?: Date;
  jti?: string;
}

export function buildClaims(input: ClaimsInput): ServiceAccountTokenClaims {
  if (input.secret && (input.pod || input.node)) throw new Error('internal error, token can only be bound to one object type');
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const sa = input.serviceAccount;
  const kubernetes: KubernetesClaim = { namespace: sa.namespace, serviceaccount: { name: sa.name, uid: sa.uid } };
  if (input.pod) kubernetes.pod = ref(input.pod);
  if (input.secret) kubernetes.secret = ref(input.secret);
  if (input.node) kubernetes.node = ref(input.node);
  return {
    iss: input.issuer,
    sub: serviceAccountUsername(sa.namespace, sa.name),
    aud: [...input.audiences],
    exp: now + input.expirationSeconds,
    iat: now,
    nbf: now,
    jti: input.jti ?? randomUUID(),
    'kubernetes.io': kubernetes,
  };
}

/** Go's `omitempty`: an empty uid is left out. */
const ref = (r: ObjectRef): ObjectRef => (r.uid ? { name: r.name, uid: r.uid } : { name: r.name });

const isString = (v: unknown): v is string => typeof v === 'string';

function readRef(value: unknown): ObjectRef | undefined | null {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') return null;
  const { name, uid } = value as Record<string, unknown>;
  if (!isString(name) || name === '' || (uid !== undefined && !isString(uid))) return null;
  return uid ? { name, uid } : { name };
}

/** The "kubernetes.io" claim of a verified payload, or null when it is missing or malformed. */
export function readKubernetesClaim(payload: Record<string, unknown>): KubernetesClaim | null {
  const raw = payload['kubernetes.io'];
  if (raw === null || typeof raw !== 'object') return null;
  const claim = raw as Record<string, unknown>;
  if (!isString(claim.namespace) || claim.namespace === '') return null;
  const serviceaccount = readRef(claim.serviceaccount);
  const pod = readRef(claim.pod);
  const secret = readRef(claim.secret);
  const node = readRef(claim.node);
  if (!serviceaccount || !serviceaccount.uid || pod === null || secret === null || node === null) return null;
  const out: KubernetesClaim = { namespace: claim.namespace, serviceaccount };
  if (pod) out.pod = pod;
  if (secret) out.secret = secret;
  if (node) out.node = node;
  return out;
}
