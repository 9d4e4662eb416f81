import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { type Authenticator, unionAuthenticator } from './authenticator.js';
import { ANONYMOUS_USER, SYSTEM_AUTHENTICATED, SYSTEM_UNAUTHENTICATED, type UserInfo, withAuthenticatedGroup } from './user.js';

const req = {} as IncomingMessage;
const returns = (user: UserInfo | null, calls: string[], label: string): Authenticator => async () => {
  calls.push(label);
  return user;
};

test('the union takes the first authenticator that finds a user, and adds system:authenticated', async () => {
  const calls: string[] = [];
  const union = unionAuthenticator([
    returns(null, calls, 'cert'),
    returns({ name: 'alice', groups: ['dev'] }, calls, 'token'),
    returns({ name: 'bob', groups: [] }, calls, 'never'),
  ]);
  assert.deepEqual(await union(req), { name: 'alice', groups: ['dev', SYSTEM_AUTHENTICATED] });
  assert.deepEqual(calls, ['cert', 'token']);
});

test('the union is null when nobody knows the request (the server then answers 401)', async () => {
  const calls: string[] = [];
  assert.equal(await unionAuthenticator([returns(null, calls, 'a'), returns(null, calls, 'b')])(req), null);
  assert.deepEqual(calls, ['a', 'b']);
  assert.equal(await unionAuthenticator([])(req), null);
});

test('an authenticator that throws is reported and skipped', async () => {
  const errors: [string, number][] = [];
  const union = unionAuthenticator(
    [
      async () => {
        throw new Error('token review unavailable');
      },
      async () => ({ name: 'carol', groups: [] }),
    ],
    { onError: (error, index) => errors.push([(error as Error).message, index]) },
  );
  assert.deepEqual(await union(req), { name: 'carol', groups: [SYSTEM_AUTHENTICATED] });
  assert.deepEqual(errors, [['token review unavailable', 0]]);
});

test('withAuthenticatedGroup adds the group once, leaves the input alone, skips the anonymous user', () => {
  const user: UserInfo = { name: 'dave', uid: '42', groups: ['a'], extra: { k: ['v'] } };
  const result = withAuthenticatedGroup(user);
  assert.deepEqual(result, { name: 'dave', uid: '42', groups: ['a', SYSTEM_AUTHENTICATED], extra: { k: ['v'] } });
  assert.deepEqual(user.groups, ['a']);
  assert.deepEqual(withAuthenticatedGroup(result).groups, ['a', SYSTEM_AUTHENTICATED]);
  const anonymous = { name: ANONYMOUS_USER, groups: [SYSTEM_UNAUTHENTICATED] };
  assert.deepEqual(withAuthenticatedGroup(anonymous).groups, [SYSTEM_UNAUTHENTICATED]);
});
