import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { decodeJwt, exportSPKI, generateKeyPair, jwtVerify } from 'jose';
import type { StatusError } from '../../../../apimachinery/errors.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { MemoryStore } from '../../../../storage/memory/memory-store.js';
import { buildServedResources, type ServedResources } from '../../../../server/served-resources.js';
import { parsePublicKeyBundle } from '../../../../pki/service-account-key.js';
import { systemMastersAuthorizer } from '../../../authz/authorizer.js';
import { systemMastersRules } from '../../../authz/rule-resolver.js';
import { serviceAccountTokenConfig, type ServiceAccountTokenConfig } from '../../../authn/service-account-jwt.js';
import type { HandlerContext } from '../../../handlers/context.js';
import { subresourceHandlers } from '../../../handlers/resource.js';
import { parseRequestInfo } from '../../../request-info.js';
import { adminCtx } from '../test-helpers.js';
import { handleTokenRequest, registerServiceAccountTokenSubresource } from './token.js';

const NOW = new Date('2030-03-01T10:00:00Z');
const NOW_S = NOW.getTime() / 1000;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown> & { spec: Record<string, unknown>; status: { token: string; expirationTimestamp: string } };
}

describe('serviceaccounts/token', () => {
  let resources: ServedResources;
  let tokens: ServiceAccountTokenConfig;
  let podUid: string;
  let nodeUid: string;
  let secretUid: string;
  let saUid: string;

  const create = async (resource: string, obj: Record<string, unknown>, namespace = 'default'): Promise<KubeObject> =>
    resources.get('', resource).registry.create(adminCtx(namespace), obj as unknown as KubeObject);

  /** POSTs a TokenRequest to the handler; resolves the answer or rejects with the StatusError. */
  async function post(body: unknown, path = '/api/v1/namespaces/default/serviceaccounts/default/token', method = 'POST'): Promise<Answer> {
    const url = new URL(`https://kite.test${path}`);
    const payload = Buffer.from(JSON.stringify(body));
    const req = Object.assign(Readable.from([payload]), { headers: { 'content-type': 'application/json', 'content-length': String(payload.length) } });
    const answer = { status: 0, headers: {}, body: {} } as Answer;
    const res = {
      headersSent: false,
      writeHead(status: number, headers: Record<string, string>) {
        answer.status = status;
        answer.headers = headers;
      },
      end(text: string) {
        answer.body = JSON.parse(text) as Answer['body'];
      },
    };
    const ctx: HandlerContext = {
      req: req as unknown as IncomingMessage,
      res: res as unknown as ServerResponse,
      url,
      info: parseRequestInfo(method, url),
      user: { name: 'admin', groups: ['system:masters'] },
      served: resources.get('', 'serviceaccounts'),
      warnings: [],
    };
    await handleTokenRequest(ctx);
    return answer;
  }
  const refused = (body: unknown, path?: string, method?: string): Promise<StatusError> => post(body, path, method).then(
    () => assert.fail('expected an error'),
    (err: StatusError) => err,
  );
  const claimsOf = (answer: Answer) => decodeJwt(answer.body.status.token);

  before(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const verification = await parsePublicKeyBundle(await exportSPKI(publicKey));
    tokens = serviceAccountTokenConfig({ signing: { kid: verification[0]!.kid, alg: 'RS256', key: privateKey }, verification });
    resources = await buildServedResources(new MemoryStore(), { authorizer: systemMastersAuthorizer, ruleResolver: systemMastersRules });
    await resources.ready;
    registerServiceAccountTokenSubresource({ tokens, lookup: resources.get, now: () => NOW });
    await create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, '');
    saUid = (await create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } })).metadata.uid!;
    await create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' } });
    nodeUid = (await create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } }, '')).metadata.uid!;
    const pod = (name: string, spec: Record<string, unknown>) => create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } });
    podUid = (await pod('web', { nodeName: 'node-1' })).metadata.uid!;
    await pod('lost', { nodeName: 'gone-node' });
    await pod('other', { serviceAccountName: 'builder' });
    secretUid = (await create('secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' } })).metadata.uid!;
  });
  after(() => resources?.stop());

  it('is registered as the serviceaccounts/token subresource handler', () => {
    assert.equal(subresourceHandlers.get('serviceaccounts/token'), handleTokenRequest);
  });

  it('answers 201 with a signed token for the API audience, valid one hour by default', async () => {
    const answer = await post({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: {} });
    assert.equal(answer.status, 201);
    assert.deepEqual({ ...answer.body, status: { ...answer.body.status, token: '<jwt>' } }, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: 'default', namespace: 'default', creationTimestamp: '2030-03-01T10:00:00Z' },
      spec: { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600, boundObjectRef: null },
      status: { token: '<jwt>', expirationTimestamp: '2030-03-01T11:00:00Z' },
    });
    const { payload, protectedHeader } = await jwtVerify(answer.body.status.token, tokens.verification[0]!.key, { currentDate: NOW });
    assert.deepEqual(protectedHeader, { alg: 'RS256', kid: tokens.signing.kid });
    assert.equal(payload.exp, NOW_S + 3600);
    assert.deepEqual(payload['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'default', uid: saUid } });
  });

  it('takes the audiences and lifetime asked for', async () => {
    const claims = claimsOf(await post({ spec: { audiences: ['vault', 'foo'], expirationSeconds: 600 } }));
    assert.deepEqual(claims.aud, ['vault', 'foo']);
    assert.equal(claims.exp! - claims.iat!, 600);
  });

  it('refuses lifetimes under ten minutes or over 2^32 seconds with a 422', async () => {
    let err = await refused({ spec: { expirationSeconds: 599 } });
    assert.equal(err.status.code, 422);
    assert.equal(err.status.message, 'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes');
    err = await refused({ spec: { expirationSeconds: 2 ** 32 + 1 } });
    assert.match(err.status.message ?? '', /may not specify a duration larger than 2\^32 seconds/);
  });

  it('404s for a missing account; a body naming another account is a 422; GET is not allowed', async () => {
    let err = await refused({}, '/api/v1/namespaces/default/serviceaccounts/ghost/token');
    assert.equal(err.status.code, 404);
    assert.equal(err.status.message, 'serviceaccounts "ghost" not found');
    err = await refused({ metadata: { name: 'builder' } });
    assert.equal(err.status.code, 422);
    assert.match(err.status.message ?? '', /metadata\.name: Invalid value: "builder": must match the service account name if specified/);
    err = await refused({}, undefined, 'GET');
    assert.equal(err.status.code, 405);
  });

  it('binds to a pod (uid checked) and records the pod\'s node', async () => {
    const answer = await post({ spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: podUid } } });
    assert.deepEqual(answer.body.spec.boundObjectRef, { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: podUid });
    const claim = claimsOf(answer)['kubernetes.io'] as Record<string, unknown>;
    assert.deepEqual(claim.pod, { name: 'web', uid: podUid });
    assert.deepEqual(claim.node, { name: 'node-1', uid: nodeUid });
    // A pod on a node that does not exist still names the node.
    const lost = claimsOf(await post({ spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'lost' } } }))['kubernetes.io'] as Record<string, unknown>;
    assert.deepEqual(lost.node, { name: 'gone-node' });
  });

  it('refuses pods of another account, a stale uid and missing pods', async () => {
    let err = await refused({ spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'other' } } });
    assert.equal(err.status.code, 400);
    assert.equal(err.status.message, 'cannot bind token for serviceaccount "default" to pod running with different serviceaccount name.');
    err = await refused({ spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'old-uid' } } });
    assert.equal(err.status.code, 409);
    assert.equal(err.status.message, 'Operation cannot be fulfilled on Pod "web": the UID in the bound object reference (old-uid) does not match the UID in record. The object might have been deleted and then recreated');
    err = await refused({ spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'nope' } } });
    assert.equal(err.status.code, 404);
    assert.equal(err.status.message, 'pods "nope" not found');
  });

  it('binds to secrets and nodes; other kinds are a 400', async () => {
    const secretClaim = claimsOf(await post({ spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Secret', name: 'creds' } } }))['kubernetes.io'] as Record<string, unknown>;
    assert.deepEqual(secretClaim.secret, { name: 'creds', uid: secretUid });
    const nodeClaim = claimsOf(await post({ spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: nodeUid } } }))['kubernetes.io'] as Record<string, unknown>;
    assert.deepEqual(nodeClaim.node, { name: 'node-1', uid: nodeUid });
    let err = await refused({ spec: { boundObjectRef: { apiVersion: 'v1', kind: 'Service', name: 'x' } } });
    assert.equal(err.status.message, 'cannot bind token to object of type /v1, Kind=Service');
    err = await refused({ spec: { boundObjectRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' } } });
    assert.equal(err.status.message, 'cannot bind token to object of type apps/v1, Kind=Deployment');
  });

  it('shortens lifetimes over the configured maximum, with a warning', async () => {
    const capped = { ...tokens, maxExpirationSeconds: 1800 };
    registerServiceAccountTokenSubresource({ tokens: capped, lookup: resources.get, now: () => NOW });
    try {
      const answer = await post({ spec: { expirationSeconds: 7200 } });
      assert.equal(answer.body.spec.expirationSeconds, 1800);
      assert.equal(answer.body.status.expirationTimestamp, '2030-03-01T10:30:00Z');
      assert.equal(answer.headers.Warning, '299 - "requested expiration of 7200 seconds shortened to 1800 seconds"');
    } finally {
      registerServiceAccountTokenSubresource({ tokens, lookup: resources.get, now: () => NOW });
    }
  });
});
