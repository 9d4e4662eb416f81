import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../apimachinery/meta.js';
import { bootstrapTokenAuthenticator } from './bootstrap-token.js';
import type { BoundObjectGetter } from './bound-objects.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function tokenSecret(over: Record<string, string> = {}, type = 'bootstrap.kubernetes.io/token'): KubeObject {
  const data: Record<string, string> = {
    'token-id': 'abcdef', 'token-secret': '0123456789abcdef', 'usage-bootstrap-authentication': 'true',
    'auth-extra-groups': 'system:bootstrappers:kite:default-node-token', ...over,
  };
  return { apiVersion: 'v1', kind: 'Secret', type, metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) };
}

const getter = (secret: KubeObject | null): BoundObjectGetter => ({ get: async (kind, ns, name) => (kind === 'Secret' && ns === 'kube-system' && name === secret?.metadata.name ? secret : null) });
const req = (token: string): IncomingMessage => ({ headers: { authorization: `Bearer ${token}` } }) as unknown as IncomingMessage;

test('a valid bootstrap token is system:bootstrap:<id> in system:bootstrappers and its extra groups', async () => {
  const reasons: string[] = [];
  const authn = bootstrapTokenAuthenticator({ objects: getter(tokenSecret()), onReject: (r) => reasons.push(r) });
  const r = req('abcdef.0123456789abcdef');
  assert.deepEqual(await authn(r), { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:kite:default-node-token'] });
  assert.equal(r.headers.authorization, undefined, 'the credential is not passed on');
  assert.equal(await authn(req('not-a-bootstrap-token')), null);
  assert.deepEqual(reasons, [], 'tokens of another shape are not ours to judge');
});

test('wrong secret, expired, unusable or missing tokens are refused', async () => {
  const cases: Array<[KubeObject | null, RegExp]> = [
    [tokenSecret({ 'token-secret': 'ffffffffffffffff' }), /does not match/],
    [tokenSecret({ expiration: '2020-01-01T00:00:00Z' }), /expired/],
    [tokenSecret({ 'usage-bootstrap-authentication': 'false' }), /not allowed for authentication/],
    [tokenSecret({ 'auth-extra-groups': 'system:masters' }), /invalid extra group/],
    [tokenSecret({}, 'Opaque'), /not of type/],
    [null, /no secret/],
  ];
  for (const [secret, why] of cases) {
    const reasons: string[] = [];
    const authn = bootstrapTokenAuthenticator({ objects: getter(secret), onReject: (r) => reasons.push(r) });
    assert.equal(await authn(req('abcdef.0123456789abcdef')), null);
    assert.match(reasons[0] ?? '', why);
  }
  const later = bootstrapTokenAuthenticator({ objects: getter(tokenSecret({ expiration: '2030-01-01T00:00:00Z' })), now: () => new Date('2029-12-31T00:00:00Z') });
  assert.ok(await later(req('abcdef.0123456789abcdef')), 'not yet expired');
});
