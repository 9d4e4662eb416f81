import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import type { KubeObject } from '../../apimachinery/meta.js';
import { type SigningKey, parsePublicKeyBundle } from '../../pki/service-account-key.js';
import type { BoundKind, BoundObjectGetter } from './bound-objects.js';
import { type ClaimsInput, buildClaims } from './service-account-claims.js';
import { type ServiceAccountTokenConfig, serviceAccountTokenConfig, signServiceAccountToken } from './service-account-jwt.js';
import { bearerToken, serviceAccountTokenAuthenticator } from './service-account-token.js';
import { unionAuthenticator } from './authenticator.js';

async function newKeys(): Promise<{ signing: SigningKey; verification: Awaited<ReturnType<typeof parsePublicKeyBundle>> }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const verification = await parsePublicKeyBundle(await exportSPKI(publicKey));
  return { signing: { kid: verification[0]!.kid, alg: 'RS256', key: privateKey }, verification };
}

const keys = await newKeys();
const otherKeys = await newKeys();
const config = serviceAccountTokenConfig(keys);
const NOW = new Date('2030-06-01T12:00:00Z');

/** A getter over a map; `stale` plays a watch cache that has not seen the latest writes yet. */
class FakeObjects implements BoundObjectGetter {
  readonly live = new Map<string, KubeObject>();
  readonly stale = new Map<string, KubeObject | null>();
  freshReads = 0;
  put(kind: BoundKind, namespace: string, name: string, uid: string, extra: Partial<KubeObject['metadata']> = {}): void {
    this.live.set(`${kind}/${namespace}/${name}`, { apiVersion: 'v1', kind, metadata: { name, namespace: namespace || undefined, uid, ...extra } });
  }
  async get(kind: BoundKind, namespace: string, name: string, fresh = false): Promise<KubeObject | null> {
    const key = `${kind}/${namespace}/${name}`;
    if (fresh) this.freshReads++;
    else if (this.stale.has(key)) return this.stale.get(key)!;
    return this.live.get(key) ?? null;
  }
}

function world(): FakeObjects {
  const objects = new FakeObjects();
  objects.put('ServiceAccount', 'default', 'default', 'sa-uid');
  objects.put('Pod', 'default', 'web', 'pod-uid');
  objects.put('Secret', 'default', 'creds', 'secret-uid');
  objects.put('Node', '', 'node-1', 'node-uid');
  return objects;
}

const claimsFor = (overrides: Partial<ClaimsInput> = {}) =>
  buildClaims({
    issuer: config.issuer,
    serviceAccount: { namespace: 'default', name: 'default', uid: 'sa-uid' },
    audiences: config.apiAudiences,
    expirationSeconds: 3600,
    now: NOW,
    jti: 'jti-1',
    ...overrides,
  });

const tokenFor = (overrides: Partial<ClaimsInput> = {}, cfg: Pick<ServiceAccountTokenConfig, 'signing'> = config) => signServiceAccountToken(cfg, claimsFor(overrides));

const request = (authorization?: string): IncomingMessage => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

function authenticator(objects: BoundObjectGetter, at: Date = NOW) {
  const rejections: string[] = [];
  const authenticate = serviceAccountTokenAuthenticator({ tokens: config, objects, now: () => at, onReject: (r) => rejections.push(r) });
  return { authenticate, rejections };
}

test('a valid token authenticates as the service account with Kubernetes groups and extra', async () => {
  const { authenticate } = authenticator(world());
  const req = request(`Bearer ${await tokenFor()}`);
  const user = await unionAuthenticator([authenticate])(req);
  assert.deepEqual(user, {
    name: 'system:serviceaccount:default:default',
    uid: 'sa-uid',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
    extra: { 'authentication.kubernetes.io/credential-id': ['JTI=jti-1'] },
  });
  assert.equal(req.headers.authorization, undefined, 'the credential is not passed on');
});

test('a pod-bound token carries pod and node in extra while the pod exists', async () => {
  const objects = world();
  const { authenticate, rejections } = authenticator(objects);
  const token = await tokenFor({ pod: { name: 'web', uid: 'pod-uid' }, node: { name: 'node-1', uid: 'node-uid' } });
  const user = await authenticate(request(`Bearer ${token}`));
  assert.deepEqual(user?.extra, {
    'authentication.kubernetes.io/pod-name': ['web'],
    'authentication.kubernetes.io/pod-uid': ['pod-uid'],
    'authentication.kubernetes.io/credential-id': ['JTI=jti-1'],
    'authentication.kubernetes.io/node-name': ['node-1'],
    'authentication.kubernetes.io/node-uid': ['node-uid'],
  });
  // The node of a pod-bound token is information only: its deletion does not matter.
  objects.live.delete('Node//node-1');
  assert.ok(await authenticate(request(`Bearer ${token}`)));

  objects.live.delete('Pod/default/web');
  assert.equal(await authenticate(request(`Bearer ${token}`)), null);
  assert.deepEqual(rejections, ['service account token has been invalidated']);

  objects.put('Pod', 'default', 'web', 'new-pod-uid'); // same name, recreated
  assert.equal(await authenticate(request(`Bearer ${token}`)), null);
  assert.match(rejections.at(-1)!, /pod UID \(new-pod-uid\) does not match service account pod ref claim \(pod-uid\)/);
});

test('a deleting pod keeps its token valid for the leeway minute, then not', async () => {
  const objects = world();
  objects.put('Pod', 'default', 'web', 'pod-uid', { deletionTimestamp: '2030-06-01T11:59:30Z' });
  const token = await tokenFor({ pod: { name: 'web', uid: 'pod-uid' } });
  assert.ok(await authenticator(objects).authenticate(request(`Bearer ${token}`)));
  objects.put('Pod', 'default', 'web', 'pod-uid', { deletionTimestamp: '2030-06-01T11:58:30Z' });
  assert.equal(await authenticator(objects).authenticate(request(`Bearer ${token}`)), null);
});

test('the service account must still exist with the same uid', async () => {
  const objects = world();
  const token = await tokenFor();
  objects.put('ServiceAccount', 'default', 'default', 'recreated-uid');
  const a = authenticator(objects);
  assert.equal(await a.authenticate(request(`Bearer ${token}`)), null);
  assert.match(a.rejections[0]!, /service account UID \(recreated-uid\) does not match claim \(sa-uid\)/);
  objects.live.delete('ServiceAccount/default/default');
  assert.equal(await a.authenticate(request(`Bearer ${token}`)), null);
  assert.equal(a.rejections[1], 'serviceaccounts "default" not found');
});

test('secret- and node-bound tokens live as long as their object', async () => {
  const objects = world();
  const { authenticate } = authenticator(objects);
  const secretToken = await tokenFor({ secret: { name: 'creds', uid: 'secret-uid' } });
  const nodeToken = await tokenFor({ node: { name: 'node-1', uid: 'node-uid' } });
  assert.ok(await authenticate(request(`Bearer ${secretToken}`)));
  const nodeUser = await authenticate(request(`Bearer ${nodeToken}`));
  assert.deepEqual(nodeUser?.extra?.['authentication.kubernetes.io/node-name'], ['node-1']);
  objects.live.delete('Secret/default/creds');
  objects.live.delete('Node//node-1');
  assert.equal(await authenticate(request(`Bearer ${secretToken}`)), null);
  assert.equal(await authenticate(request(`Bearer ${nodeToken}`)), null);
});

test('a watch cache that lags (object missing or older uid) is checked against a fresh read', async () => {
  const objects = world();
  objects.stale.set('ServiceAccount/default/default', null);
  const { authenticate } = authenticator(objects);
  assert.ok(await authenticate(request(`Bearer ${await tokenFor()}`)));
  assert.equal(objects.freshReads, 1);
  objects.stale.clear();
  assert.ok(await authenticate(request(`Bearer ${await tokenFor()}`)));
  assert.equal(objects.freshReads, 1, 'a cache hit with the right uid needs no fresh read');
});

test('expiry is enforced with Kubernetes one-minute leeway', async () => {
  const token = await tokenFor({ expirationSeconds: 600 });
  const expiry = NOW.getTime() + 600_000;
  assert.ok(await authenticator(world(), new Date(expiry + 59_000)).authenticate(request(`Bearer ${token}`)));
  const late = authenticator(world(), new Date(expiry + 61_000));
  assert.equal(await late.authenticate(request(`Bearer ${token}`)), null);
  assert.deepEqual(late.rejections, ['service account token has expired']);
  const early = authenticator(world(), new Date(NOW.getTime() - 120_000));
  assert.equal(await early.authenticate(request(`Bearer ${token}`)), null);
  assert.deepEqual(early.rejections, ['service account token is not valid yet']);
});

test('a token for another audience is refused', async () => {
  const a = authenticator(world());
  assert.equal(await a.authenticate(request(`Bearer ${await tokenFor({ audiences: ['vault'] })}`)), null);
  assert.match(a.rejections[0]!, /token audiences \["vault"\] is invalid for the target audiences \["https:\/\/kubernetes.default.svc.cluster.local"\]/);
});

test('signatures are checked: another key, a tampered payload and an unknown kid fail', async () => {
  const a = authenticator(world());
  assert.equal(await a.authenticate(request(`Bearer ${await tokenFor({}, { signing: { ...otherKeys.signing, kid: keys.signing.kid } })}`)), null);
  assert.equal(a.rejections[0], 'invalid signature');
  const [h, , s] = (await tokenFor()).split('.');
  const forged = Buffer.from(JSON.stringify(claimsFor({ serviceAccount: { namespace: 'kube-system', name: 'default', uid: 'sa-uid' } }))).toString('base64url');
  assert.equal(await a.authenticate(request(`Bearer ${h}.${forged}.${s}`)), null);
  assert.equal(await a.authenticate(request(`Bearer ${await tokenFor({}, otherKeys)}`)), null);
  assert.match(a.rejections.at(-1)!, /no verification key/);
});

test('tokens of other issuers, garbage and other schemes are not this authenticator\'s: null, quietly', async () => {
  const a = authenticator(world());
  const foreign = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256' }).setIssuer('https://accounts.example').sign(keys.signing.key);
  for (const header of [`Bearer ${foreign}`, 'Bearer garbage', 'Bearer a.b.c', 'Basic dXNlcjpwYXNz', 'Bearer', undefined]) {
    assert.equal(await a.authenticate(request(header)), null, String(header));
  }
  assert.deepEqual(a.rejections, []);
});

test('a token without a kid is tried against every key of its algorithm', async () => {
  const rotated = serviceAccountTokenConfig({ signing: keys.signing, verification: [...otherKeys.verification, ...keys.verification] });
  const token = await new SignJWT(claimsFor()).setProtectedHeader({ alg: 'RS256' }).sign(keys.signing.key);
  const user = await serviceAccountTokenAuthenticator({ tokens: rotated, objects: world(), now: () => NOW })(request(`Bearer ${token}`));
  assert.equal(user?.name, 'system:serviceaccount:default:default');
});

test('bearerToken reads the header as Kubernetes does', () => {
  assert.equal(bearerToken(request('Bearer abc')), 'abc');
  assert.equal(bearerToken(request('  bearer abc  ')), 'abc');
  assert.equal(bearerToken(request('Bearer  abc')), undefined, 'two spaces leave an empty token');
  assert.equal(bearerToken(request('Token abc')), undefined);
});
