// ServiceAccount tokens end to end: the real kubectl asks a real `kite server` for tokens
// (TokenRequest, protobuf bodies) and logs in with them (bearer JWT authentication).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportPKCS8, generateKeyPair, importPKCS8 } from 'jose';
import { type KiteServer, type KubectlResult, runKubectl, startKiteServer } from '../util/kite-server.js';

interface Claims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': { namespace: string; serviceaccount: { name: string; uid: string }; pod?: { name: string; uid: string } };
}

const API_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';
const decodePart = <T>(part: string): T => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as T;

describe('service account tokens through kubectl', () => {
  let kite: KiteServer;
  let saUid: string;

  /** kubectl with only a bearer token as credential (no client certificate). */
  const withToken = (token: string, args: string[]): Promise<KubectlResult> =>
    runKubectl(['--kubeconfig', '/dev/null', '--server', kite.url, '--certificate-authority', join(kite.dataDir, 'tls', 'server-ca.crt'), '--token', token, ...args]);

  const createToken = async (args: string[] = []): Promise<string> => {
    const r = await kite.kubectl(['create', 'token', 'default', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };

  before(async () => {
    kite = await startKiteServer();
    // The service account controller creates "default" shortly after the namespace exists.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await kite.kubectl(['get', 'serviceaccount', 'default', '-o', 'jsonpath={.metadata.uid}']);
      if (r.code === 0 && r.stdout) {
        saUid = r.stdout;
        break;
      }
      if (Date.now() > deadline) throw new Error(`no default service account: ${r.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  after(async () => {
    await kite?.stop();
  });

  it('kubectl create token default prints a JWT with Kubernetes claims', async () => {
    const token = await createToken();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const [header, payload] = token.split('.');
    const h = decodePart<{ alg: string; kid: string }>(header!);
    assert.equal(h.alg, 'RS256');
    assert.match(h.kid, /^[\w-]{43}$/);
    const claims = decodePart<Claims>(payload!);
    assert.equal(claims.iss, API_AUDIENCE);
    assert.equal(claims.sub, 'system:serviceaccount:default:default');
    assert.deepEqual(claims.aud, [API_AUDIENCE]);
    assert.equal(claims.exp - claims.iat, 3600);
    assert.equal(claims.nbf, claims.iat);
    assert.ok(Math.abs(claims.iat - Date.now() / 1000) < 60);
    assert.match(claims.jti, /^[0-9a-f-]{36}$/);
    assert.deepEqual(claims['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'default', uid: saUid } });
  });

  it('--duration and --audience shape the token; a token for another audience cannot log in', async () => {
    const token = await createToken(['--duration=10m', '--audience=foo']);
    const claims = decodePart<Claims>(token.split('.')[1]!);
    assert.deepEqual(claims.aud, ['foo']);
    assert.equal(claims.exp - claims.iat, 600);
    const r = await withToken(token, ['auth', 'whoami']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /You must be logged in to the server \(Unauthorized\)/);
  });

  it('refuses short durations and missing accounts as Kubernetes does', async () => {
    let r = await kite.kubectl(['create', 'token', 'default', '--duration=5m']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /failed to create token: TokenRequest\.authentication\.k8s\.io "" is invalid: spec\.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/);
    r = await kite.kubectl(['create', 'token', 'nobody']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /failed to create token: serviceaccounts "nobody" not found/);
  });

  it('kubectl --token=<jwt> auth whoami shows the service account; other requests are authenticated but forbidden', async () => {
    const token = await createToken();
    let r = await withToken(token, ['auth', 'whoami', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const review = JSON.parse(r.stdout) as { kind: string; status: { userInfo: { username: string; uid: string; groups: string[]; extra: Record<string, string[]> } } };
    assert.equal(review.kind, 'SelfSubjectReview');
    assert.equal(review.status.userInfo.username, 'system:serviceaccount:default:default');
    assert.equal(review.status.userInfo.uid, saUid);
    assert.deepEqual(review.status.userInfo.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    assert.match(review.status.userInfo.extra['authentication.kubernetes.io/credential-id']![0]!, /^JTI=[0-9a-f-]{36}$/);

    r = await withToken(token, ['auth', 'whoami']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Username\s+system:serviceaccount:default:default/);

    // 403 naming the user, not 401: the token authenticated, RBAC grants nothing here.
    r = await withToken(token, ['get', 'secrets']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(Forbidden\): secrets is forbidden: User "system:serviceaccount:default:default" cannot list resource "secrets"/);
  });

  it('garbage, expired and foreign-key tokens get 401', async () => {
    const keyPem = await readFile(join(kite.dataDir, 'tls', 'service-account.key'), 'utf8');
    const real = decodePart<{ kid: string }>((await createToken()).split('.')[0]!);
    const now = Math.floor(Date.now() / 1000);
    const base = {
      iss: API_AUDIENCE,
      sub: 'system:serviceaccount:default:default',
      aud: [API_AUDIENCE],
      jti: 'x',
      'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'default', uid: saUid } },
    };
    const signWith = (pem: string, claims: Record<string, unknown>) =>
      importPKCS8(pem, 'RS256').then((key) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: real.kid }).sign(key));
    // Signed with the server's own key, so only the expiry (beyond the minute of leeway) is wrong.
    const expired = await signWith(keyPem, { ...base, iat: now - 7200, nbf: now - 7200, exp: now - 120 });
    const valid = await signWith(keyPem, { ...base, iat: now, nbf: now, exp: now + 600 });
    const foreign = await signWith(await exportPKCS8((await generateKeyPair('RS256', { extractable: true })).privateKey), { ...base, iat: now, nbf: now, exp: now + 600 });

    assert.equal((await withToken(valid, ['auth', 'whoami'])).code, 0, 'the hand-made token is well formed');
    for (const token of [expired, foreign, 'garbage', `${valid}x`]) {
      const r = await withToken(token, ['auth', 'whoami']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Unauthorized/, token.slice(0, 20));
    }
  });

  it('a pod-bound token works while the pod exists and stops once it is deleted', async () => {
    let r = await kite.kubectl(['run', 'bound-pod', '--image=busybox', '--restart=Never']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['get', 'pod', 'bound-pod', '-o', 'jsonpath={.metadata.uid}']);
    const podUid = r.stdout;
    const token = await createToken(['--bound-object-kind=Pod', '--bound-object-name=bound-pod', `--bound-object-uid=${podUid}`]);
    assert.deepEqual(decodePart<Claims>(token.split('.')[1]!)['kubernetes.io'].pod, { name: 'bound-pod', uid: podUid });

    r = await kite.kubectl(['create', 'token', 'default', '--bound-object-kind=Pod', '--bound-object-name=bound-pod', '--bound-object-uid=not-the-uid']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Operation cannot be fulfilled on Pod "bound-pod": the UID in the bound object reference \(not-the-uid\) does not match the UID in record/);

    r = await withToken(token, ['auth', 'whoami', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const extra = (JSON.parse(r.stdout) as { status: { userInfo: { extra: Record<string, string[]> } } }).status.userInfo.extra;
    assert.deepEqual(extra['authentication.kubernetes.io/pod-name'], ['bound-pod']);
    assert.deepEqual(extra['authentication.kubernetes.io/pod-uid'], [podUid]);

    r = await kite.kubectl(['delete', 'pod', 'bound-pod']);
    assert.equal(r.code, 0, r.stderr);
    r = await withToken(token, ['auth', 'whoami']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /You must be logged in to the server \(Unauthorized\)/);
  });

  it('tokens signed before a restart still work after it (the signing key is reused)', async () => {
    const token = await createToken();
    const dataDir = kite.dataDir;
    await kite.stop({ cleanup: false });
    kite = await startKiteServer({ dataDir });
    const r = await withToken(token, ['auth', 'whoami']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /system:serviceaccount:default:default/);
  });
});
