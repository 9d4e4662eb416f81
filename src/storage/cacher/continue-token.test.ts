import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StatusError } from '../../apimachinery/errors.js';
import { decodeContinue, encodeContinue, keyAfter } from './continue-token.js';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');

test('tokens use Kubernetes wire format: base64url JSON with v, rv and a start key relative to the prefix', () => {
  const token = encodeContinue(keyAfter('/registry/pods/ns/a'), '/registry/pods/', 42);
  assert.equal(Buffer.from(token, 'base64url').toString('utf8'), '{"v":"meta.k8s.io/v1","rv":42,"start":"ns/a\\u0000"}');
  assert.doesNotMatch(token, /[=+/]/);
  assert.deepEqual(decodeContinue(token, '/registry/pods/'), { revision: 42, startKey: '/registry/pods/ns/a\u0000' });
});

test('a token minted by Kubernetes decodes', () => {
  const token = b64('{"v":"meta.k8s.io/v1","rv":7,"start":"default/web-1\\u0000"}');
  assert.deepEqual(decodeContinue(token, '/registry/pods/'), { revision: 7, startKey: '/registry/pods/default/web-1\u0000' });
});

test('rv -1 (continue at the latest revision) is accepted', () => {
  assert.equal(decodeContinue(encodeContinue('/p/x', '/p/', -1), '/p/').revision, -1);
});

test('malformed tokens are 400 BadRequest with Kubernetes messages', () => {
  const cases: Array<[string, RegExp]> = [
    ['!!!', /^invalid continue token: continue key is not valid: illegal base64 data/],
    [b64('not json'), /^invalid continue token: continue key is not valid: /],
    [b64('{"v":"v2","rv":1,"start":"a"}'), /server does not recognize this encoded version v2/],
    [b64('{"v":"meta.k8s.io/v1","rv":0,"start":"a"}'), /incorrect encoded start resourceVersion \(version meta.k8s.io\/v1\)/],
    [b64('{"v":"meta.k8s.io/v1","rv":3,"start":""}'), /encoded start key empty \(version meta.k8s.io\/v1\)/],
    [b64('{"v":"meta.k8s.io/v1","rv":3,"start":"../secrets/x"}'), /continue key is not valid: \.\.\/secrets\/x$/],
    [b64('{"v":"meta.k8s.io/v1","rv":3,"start":"ns//x"}'), /continue key is not valid: ns\/\/x$/],
  ];
  for (const [token, message] of cases) {
    assert.throws(
      () => decodeContinue(token, '/registry/pods/'),
      (err: unknown) => err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest' && message.test(err.message),
      token,
    );
  }
});
