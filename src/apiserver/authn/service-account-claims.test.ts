import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildClaims, credentialIdForJti, readKubernetesClaim, serviceAccountGroups, serviceAccountUsername } from './service-account-claims.js';

const sa = { namespace: 'team', name: 'builder', uid: 'sa-uid' };
const now = new Date('2030-01-01T00:00:00.900Z');
const epoch = Date.UTC(2030, 0, 1) / 1000;

test('claims follow Kubernetes: iss, sub, aud, times in whole seconds, jti and kubernetes.io', () => {
  const claims = buildClaims({ issuer: 'https://iss', serviceAccount: sa, audiences: ['a', 'b'], expirationSeconds: 600, now, jti: 'j-1' });
  assert.deepEqual(claims, {
    iss: 'https://iss',
    sub: 'system:serviceaccount:team:builder',
    aud: ['a', 'b'],
    exp: epoch + 600,
    iat: epoch,
    nbf: epoch,
    jti: 'j-1',
    'kubernetes.io': { namespace: 'team', serviceaccount: { name: 'builder', uid: 'sa-uid' } },
  });
});

test('a pod-bound token names the pod and its node; an unknown node uid is left out', () => {
  const claims = buildClaims({ issuer: 'i', serviceAccount: sa, audiences: ['a'], expirationSeconds: 3600, pod: { name: 'p', uid: 'pu' }, node: { name: 'n1' }, now });
  assert.deepEqual(claims['kubernetes.io'], { namespace: 'team', serviceaccount: { name: 'builder', uid: 'sa-uid' }, pod: { name: 'p', uid: 'pu' }, node: { name: 'n1' } });
  assert.match(buildClaims({ issuer: 'i', serviceAccount: sa, audiences: [], expirationSeconds: 600 }).jti, /^[0-9a-f-]{36}$/);
});

test('a token is bound to one kind of object: a secret excludes a pod', () => {
  assert.throws(() => buildClaims({ issuer: 'i', serviceAccount: sa, audiences: [], expirationSeconds: 600, pod: { name: 'p', uid: 'u' }, secret: { name: 's', uid: 'u' } }), /only be bound to one object type/);
});

test('readKubernetesClaim accepts what buildClaims writes and refuses malformed claims', () => {
  const claims = buildClaims({ issuer: 'i', serviceAccount: sa, audiences: [], expirationSeconds: 600, secret: { name: 's', uid: 'su' } });
  assert.deepEqual(readKubernetesClaim(claims), claims['kubernetes.io']);
  assert.equal(readKubernetesClaim({}), null);
  assert.equal(readKubernetesClaim({ 'kubernetes.io': { namespace: 'x', serviceaccount: { name: 'a' } } }), null, 'no account uid');
  assert.equal(readKubernetesClaim({ 'kubernetes.io': { namespace: '', serviceaccount: { name: 'a', uid: 'u' } } }), null);
  assert.equal(readKubernetesClaim({ 'kubernetes.io': { namespace: 'x', serviceaccount: { name: 'a', uid: 'u' }, pod: 'p' } }), null);
});

test('service account user names, groups and credential ids', () => {
  assert.equal(serviceAccountUsername('ns', 'sa'), 'system:serviceaccount:ns:sa');
  assert.deepEqual(serviceAccountGroups('ns'), ['system:serviceaccounts', 'system:serviceaccounts:ns']);
  assert.equal(credentialIdForJti('abc'), 'JTI=abc');
  assert.equal(credentialIdForJti(''), '');
});
