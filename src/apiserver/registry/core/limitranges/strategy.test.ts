import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../../../apimachinery/errors.js';
import { adminCtx, memoryRegistry } from '../test-helpers.js';
import { limitranges } from './storage.js';
import type { LimitRange } from './strategy.js';

const lr = (limits: unknown[]): LimitRange => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l' }, spec: { limits } }) as LimitRange;

test('container items: default <- max, defaultRequest <- default or min', async () => {
  const { registry } = memoryRegistry(limitranges);
  const created = (await registry.create(adminCtx(), lr([{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }, { type: 'Pod', max: { cpu: '4' } }]))) as LimitRange;
  const [container, pod] = created.spec!.limits;
  assert.deepEqual(container!.default, { cpu: '2' });
  assert.deepEqual(container!.defaultRequest, { cpu: '2', memory: '64Mi' });
  assert.equal(pod!.default, undefined);
  assert.deepEqual(limitranges.table!.cells(created, Date.now()), [created.metadata.creationTimestamp]);
  assert.deepEqual(limitranges.table!.columns, [{ name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' }]);
  assert.deepEqual(limitranges.shortNames, ['limits']);
});

test('validation messages', async () => {
  const { registry } = memoryRegistry(limitranges);
  const bad = await registry
    .create(adminCtx(), lr([
      { type: 'Container', min: { cpu: '2' }, max: { cpu: '1' }, maxLimitRequestRatio: { memory: '0.5' } },
      { type: 'Pod', default: { cpu: '1' } },
      { type: 'Container' },
      { type: 'PersistentVolumeClaim' },
    ]))
    .catch((e: StatusError) => e);
  const text = (bad as StatusError).status.message ?? '';
  assert.match(text, /spec\.limits\[0\]\.min\[cpu\]: Invalid value: "2": min value 2 is greater than max value 1/);
  assert.match(text, /spec\.limits\[0\]\.maxLimitRequestRatio\[memory\]: Invalid value: "0\.5": ratio 0\.5 is less than 1/);
  assert.match(text, /spec\.limits\[1\]\.default: Forbidden: may not be specified when `type` is 'Pod'/);
  assert.match(text, /spec\.limits\[2\]\.type: Duplicate value: "Container"/);
  assert.match(text, /spec\.limits\[3\]\.limits: Required value: either minimum or maximum storage value is required, but neither was provided/);
});
