import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../../../apimachinery/errors.js';
import { adminCtx, memoryRegistry } from '../test-helpers.js';
import { quotaColumns, resourcequotas } from './storage.js';
import type { ResourceQuota } from './strategy.js';

const rq = (spec: Record<string, unknown>): ResourceQuota => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec }) as ResourceQuota;

test('spec.hard names and values; status written through /status only', async () => {
  const { registry } = memoryRegistry(resourcequotas);
  const bad = await registry.create(adminCtx(), rq({ hard: { pods: '1.5', gpus: '1', 'requests.cpu': '-1' }, scopes: ['Terminating', 'NotTerminating'] })).catch((e: StatusError) => e);
  const text = (bad as StatusError).status.message ?? '';
  assert.match(text, /spec\.hard\[pods\]: Invalid value: "1\.5": must be an integer/);
  assert.match(text, /spec\.hard\[gpus\]: Invalid value: "gpus": must be a standard resource for quota/);
  assert.match(text, /spec\.hard\[requests\.cpu\]: Invalid value: "-1": must be greater than or equal to 0/);
  assert.match(text, /spec\.scopes: Invalid value: .*conflicting scopes/);
  const created = (await registry.create(adminCtx(), rq({ hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi' }, status: undefined }))) as ResourceQuota;
  assert.equal(created.status, undefined);
  const { object } = await registry.update(
    adminCtx(),
    'q',
    (cur) => ({ ...cur!, status: { hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi' }, used: { pods: '3', 'requests.cpu': '500m' } } }),
    { subresource: 'status' },
  );
  assert.deepEqual(quotaColumns(object as ResourceQuota), ['pods: 3/10, requests.cpu: 500m/4', 'limits.memory: 0/8Gi']);
  const now = Date.parse(created.metadata.creationTimestamp!) + 1000;
  assert.deepEqual(resourcequotas.table!.cells(object as ResourceQuota, now), ['1s', 'pods: 3/10, requests.cpu: 500m/4', 'limits.memory: 0/8Gi']);
  assert.deepEqual(resourcequotas.shortNames, ['quota']);
});
