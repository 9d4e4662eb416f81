import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminCtx, memoryRegistry } from '../test-helpers.js';
import { serviceaccounts } from './storage.js';
import type { ServiceAccount } from './strategy.js';

test('service accounts: create, SECRETS count and AGE, imagePullSecrets need names', async () => {
  const { registry } = memoryRegistry(serviceaccounts);
  const sa = (await registry.create(adminCtx(), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' }, secrets: [{ name: 'tok' }] })) as ServiceAccount;
  const now = Date.parse(sa.metadata.creationTimestamp!) + 90_000;
  assert.deepEqual(serviceaccounts.table!.cells(sa, now), [1, '90s']);
  assert.deepEqual(serviceaccounts.table!.columns.map((c) => c.name), ['Secrets', 'Age']);
  assert.deepEqual(serviceaccounts.shortNames, ['sa']);
  const err = await registry
    .create(adminCtx(), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x' }, imagePullSecrets: [{}] })
    .catch((e: { status: { message: string } }) => e);
  assert.equal((err as { status: { message: string } }).status.message, 'ServiceAccount "x" is invalid: imagePullSecrets[0].name: Required value');
});
