// serviceaccounts/token: POST an authentication.k8s.io/v1 TokenRequest, get back a signed JWT for
// the account, optionally bound to a Pod, Secret or Node (Kubernetes' TokenREST). Never stored.
import { badRequest, conflict, methodNotAllowed, notFound } from '../../../../apimachinery/errors.js';
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { type BoundKind, type BoundObjectGetter, servedObjectGetter } from '../../../authn/bound-objects.js';
import {
  DEFAULT_TOKEN_EXPIRATION_SECONDS,
  MAX_TOKEN_EXPIRATION_SECONDS,
  MIN_TOKEN_EXPIRATION_SECONDS,
  type ObjectRef,
  buildClaims,
} from '../../../authn/service-account-claims.js';
import { type ServiceAccountTokenConfig, signServiceAccountToken } from '../../../authn/service-account-jwt.js';
import { type HandlerContext, warningHeaders } from '../../../handlers/context.js';
import { subresourceHandlers } from '../../../handlers/resource.js';
import { decodeObjectBody, readBody } from '../../../http/body.js';
import { writeJson } from '../../../http/response.js';
import type { ServedResource } from '../../served-resource.js';

interface BoundObjectReference {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

interface TokenRequest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string };
  spec?: { audiences?: string[] | null; expirationSeconds?: number | null; boundObjectRef?: BoundObjectReference | null };
}

export interface TokenSubresourceOptions {
  tokens: ServiceAccountTokenConfig;
  /** ServedResources.get: where the account and bound objects are read. */
  lookup: (group: string, resource: string) => ServedResource;
  now?: () => Date;
}

interface Configured {
  tokens: ServiceAccountTokenConfig;
  objects: BoundObjectGetter;
  now: () => Date;
}

const GROUP = 'authentication.k8s.io';
// Keyed by the serviceaccounts resource, so servers sharing a process keep their own keys.
const configured = new WeakMap<ServedResource, Configured>();

const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const invalidRequest = (errs: ErrorList, name: string) => errs.toStatusError('TokenRequest', GROUP, name);

/** Installs serviceaccounts/token (once per API server, before it serves). */
export function registerServiceAccountTokenSubresource(options: TokenSubresourceOptions): void {
  configured.set(options.lookup('', 'serviceaccounts'), {
    tokens: options.tokens,
    objects: servedObjectGetter(options.lookup),
    now: options.now ?? (() => new Date()),
  });
  subresourceHandlers.set('serviceaccounts/token', handleTokenRequest);
}

async function readTokenRequest(ctx: HandlerContext): Promise<TokenRequest> {
  const body = decodeObjectBody(await readBody(ctx.req), ctx.req.headers['content-type']) as TokenRequest;
  if (body.kind !== undefined && body.kind !== '' && body.kind !== 'TokenRequest') {
    throw badRequest(`the object provided is unrecognized (must be of type TokenRequest): ${body.kind}`);
  }
  const { name, namespace } = ctx.info;
  const meta = body.metadata ?? {};
  const errs = new ErrorList();
  if (meta.name && meta.name !== name) errs.invalid(root('metadata', 'name'), meta.name, 'must match the service account name if specified');
  if (meta.namespace && meta.namespace !== namespace) errs.invalid(root('metadata', 'namespace'), meta.namespace, 'must match the service account namespace if specified');
  if (!errs.isEmpty()) throw invalidRequest(errs, name);
  return body;
}

export async function handleTokenRequest(ctx: HandlerContext): Promise<void> {
  if (ctx.info.verb !== 'create') throw methodNotAllowed(`${ctx.info.verb} is not supported on serviceaccounts/token`);
  const config = configured.get(ctx.served);
  if (!config) throw notFound({ group: '', resource: 'serviceaccounts/token' }, ctx.info.name);
  const request = await readTokenRequest(ctx);
  const { name, namespace } = ctx.info;

  const account = await config.objects.get('ServiceAccount', namespace, name, true);
  if (!account) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
  const requestUid = request.metadata?.uid;
  if (requestUid && requestUid !== account.metadata.uid) {
    throw conflict({ group: GROUP, resource: 'TokenRequest' }, name, `the UID in the token request (${requestUid}) does not match the UID of the service account (${account.metadata.uid})`);
  }

  const spec = request.spec ?? {};
  const audiences = spec.audiences?.length ? [...spec.audiences] : [...config.tokens.apiAudiences];
  let expirationSeconds = spec.expirationSeconds ?? DEFAULT_TOKEN_EXPIRATION_SECONDS;
  if (typeof expirationSeconds !== 'number' || !Number.isInteger(expirationSeconds)) {
    throw badRequest(`spec.expirationSeconds: must be an integer number of seconds, got ${JSON.stringify(expirationSeconds)}`);
  }
  const errs = new ErrorList();
  if (expirationSeconds < MIN_TOKEN_EXPIRATION_SECONDS) errs.invalid(root('spec', 'expirationSeconds'), expirationSeconds, 'may not specify a duration less than 10 minutes');
  if (expirationSeconds > MAX_TOKEN_EXPIRATION_SECONDS) errs.invalid(root('spec', 'expirationSeconds'), expirationSeconds, 'may not specify a duration larger than 2^32 seconds');
  // Kubernetes names no object in this error: `TokenRequest.authentication.k8s.io "" is invalid`.
  if (!errs.isEmpty()) throw invalidRequest(errs, '');

  const bound = spec.boundObjectRef ? await resolveBoundObject(config.objects, spec.boundObjectRef, namespace, name) : {};

  const max = config.tokens.maxExpirationSeconds;
  if (max > 0 && expirationSeconds > max) {
    ctx.warnings.push(`requested expiration of ${expirationSeconds} seconds shortened to ${max} seconds`);
    expirationSeconds = max;
  }
  // The timestamp is taken before the claims, so status.expirationTimestamp <= the token's exp.
  const now = config.now();
  const claims = buildClaims({
    issuer: config.tokens.issuer,
    serviceAccount: { namespace, name, uid: account.metadata.uid ?? '' },
    audiences,
    expirationSeconds,
    ...bound,
    now,
  });
  const token = await signServiceAccountToken(config.tokens, claims);
  const out = {
    apiVersion: `${GROUP}/v1`,
    kind: 'TokenRequest',
    metadata: { name, namespace, creationTimestamp: rfc3339(now) },
    // boundObjectRef has no omitempty upstream: Kubernetes answers `"boundObjectRef": null` too.
    spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
    status: { token, expirationTimestamp: rfc3339(new Date(now.getTime() + expirationSeconds * 1000)) },
  };
  writeJson(ctx.res, 201, out, warningHeaders(ctx.warnings));
}

interface Bound {
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
}

const refOf = (obj: KubeObject): ObjectRef => ({ name: obj.metadata.name ?? '', uid: obj.metadata.uid });

/** Looks the bound object up and checks its uid; a pod also brings its node (best effort, as upstream). */
async function resolveBoundObject(objects: BoundObjectGetter, ref: BoundObjectReference, namespace: string, account: string): Promise<Bound> {
  const apiVersion = ref.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
  const kind = ref.kind ?? '';
  const refName = ref.name ?? '';
  const fetch = async (boundKind: BoundKind, resource: string, ns: string): Promise<KubeObject> => {
    const obj = await objects.get(boundKind, ns, refName, true);
    if (!obj) throw notFound({ group: '', resource }, refName);
    return obj;
  };
  let bound: Bound;
  let uid: string | undefined;
  if (group === '' && kind === 'Pod') {
    const pod = await fetch('Pod', 'pods', namespace);
    // An unset name means "default", the value the ServiceAccount admission plugin fills in.
    const podAccount = (pod as { spec?: { serviceAccountName?: string } }).spec?.serviceAccountName || 'default';
    if (podAccount !== account) throw badRequest(`cannot bind token for serviceaccount "${account}" to pod running with different serviceaccount name.`);
    bound = { pod: refOf(pod) };
    const nodeName = (pod as { spec?: { nodeName?: string } }).spec?.nodeName;
    if (nodeName) {
      const node = (await objects.get('Node', '', nodeName, false)) ?? (await objects.get('Node', '', nodeName, true));
      // A missing node still leaves its name in the claims, as an indication of where the pod runs.
      bound.node = node ? refOf(node) : { name: nodeName };
    }
    uid = pod.metadata.uid;
  } else if (group === '' && kind === 'Node') {
    const node = await fetch('Node', 'nodes', '');
    bound = { node: refOf(node) };
    uid = node.metadata.uid;
  } else if (group === '' && kind === 'Secret') {
    const secret = await fetch('Secret', 'secrets', namespace);
    bound = { secret: refOf(secret) };
    uid = secret.metadata.uid;
  } else {
    // Go's GroupVersionKind.String(): "<group>/<version>, Kind=<kind>".
    throw badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${kind}`);
  }
  if (ref.uid && ref.uid !== uid) {
    throw conflict({ group, resource: kind }, refName, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  return bound;
}
