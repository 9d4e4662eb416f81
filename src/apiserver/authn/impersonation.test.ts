import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../../apimachinery/errors.js';
import type { AuthorizationAttributes, Authorizer } from '../authz/authorizer.js';
import { impersonatingAuthenticator } from './impersonation.js';
import type { UserInfo } from './user.js';

/** A request with these headers (names lower case, repeated headers as arrays). */
function request(headers: Record<string, string | string[]>): IncomingMessage {
  const distinct = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  const flat = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
  const raw = Object.entries(distinct).flatMap(([k, values]) => values.flatMap((v) => [k.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase()), v]));
  return { headers: flat, headersDistinct: distinct, rawHeaders: raw } as unknown as IncomingMessage;
}

const admin: UserInfo = { name: 'system:admin', groups: ['system:masters', 'system:authenticated'] };
const bob: UserInfo = { name: 'bob', groups: ['system:authenticated'] };

/** Allows masters everything and bob to impersonate the user jane only; records every check. */
function recordingAuthorizer(asked: AuthorizationAttributes[]): Authorizer {
  return {
    name: 'test',
    authorize: (a) => {
      asked.push(a);
      if (a.user.groups.includes('system:masters')) return { decision: 'allow' };
      if (a.user.name === 'bob' && a.resource === 'users' && a.name === 'jane') return { decision: 'allow' };
      return { decision: 'noOpinion' };
    },
  };
}

test('without impersonation headers the authenticated user is the user', async () => {
  const authn = impersonatingAuthenticator(async () => bob, recordingAuthorizer([]));
  assert.deepEqual(await authn(request({ accept: 'application/json' })), bob);
  assert.equal(await impersonatingAuthenticator(async () => null, recordingAuthorizer([]))(request({ 'impersonate-user': 'jane' })), null);
});

test('system:masters may act as a user with groups and extra; system:authenticated is added', async () => {
  const asked: AuthorizationAttributes[] = [];
  const authn = impersonatingAuthenticator(async () => admin, recordingAuthorizer(asked));
  const req = request({ 'impersonate-user': 'jane', 'impersonate-group': ['dev', 'ops'], 'impersonate-extra-scopes%2fx': ['a', 'b'], 'impersonate-uid': 'u-1' });
  assert.deepEqual(await authn(req), { name: 'jane', uid: 'u-1', groups: ['dev', 'ops', 'system:authenticated'], extra: { 'scopes/x': ['a', 'b'] } });
  assert.deepEqual(
    asked.map((a) => `${a.verb} ${a.apiGroup}/${a.resource}${a.subresource ? `/${a.subresource}` : ''} ${a.name}`),
    ['impersonate /users jane', 'impersonate /groups dev', 'impersonate /groups ops', 'impersonate authentication.k8s.io/userextras/scopes/x a',
      'impersonate authentication.k8s.io/userextras/scopes/x b', 'impersonate authentication.k8s.io/uids u-1'],
  );
  assert.equal(req.headers['impersonate-user'], undefined, 'the headers are consumed');
});

test('a service account comes with its groups unless groups are asked for', async () => {
  const asked: AuthorizationAttributes[] = [];
  const authn = impersonatingAuthenticator(async () => admin, recordingAuthorizer(asked));
  assert.deepEqual(await authn(request({ 'impersonate-user': 'system:serviceaccount:ci:builder' })), {
    name: 'system:serviceaccount:ci:builder',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:ci', 'system:authenticated'],
  });
  assert.deepEqual([asked[0].resource, asked[0].namespace, asked[0].name], ['serviceaccounts', 'ci', 'builder']);
  assert.deepEqual((await authn(request({ 'impersonate-user': 'system:serviceaccount:ci:builder', 'impersonate-group': 'x' })))?.groups, ['x', 'system:authenticated']);
});

test('anyone else is refused with Kubernetes\' Forbidden message', async () => {
  const authn = impersonatingAuthenticator(async () => bob, recordingAuthorizer([]));
  assert.equal((await authn(request({ 'impersonate-user': 'jane' })))?.name, 'jane', 'bob may be jane (and only jane)');
  await assert.rejects(authn(request({ 'impersonate-user': 'admin' })), (err: unknown) => {
    assert.ok(err instanceof StatusError);
    assert.equal(err.status.code, 403);
    assert.equal(err.status.message, 'users "admin" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
    return true;
  });
  await assert.rejects(authn(request({ 'impersonate-user': 'jane', 'impersonate-group': 'system:masters' })), /groups "system:masters" is forbidden: User "bob" cannot impersonate resource "groups"/);
  await assert.rejects(authn(request({ 'impersonate-user': 'system:serviceaccount:kube-system:x' })), /serviceaccounts "x" is forbidden: User "bob" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "kube-system"/);
});

test('groups without a user are a bad request', async () => {
  const authn = impersonatingAuthenticator(async () => admin, recordingAuthorizer([]));
  await assert.rejects(authn(request({ 'impersonate-group': 'dev' })), (err: unknown) => err instanceof StatusError && err.status.code === 400);
});
