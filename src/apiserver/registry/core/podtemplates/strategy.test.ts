import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminCtx, memoryRegistry } from '../test-helpers.js';
import { podtemplates } from './storage.js';
import type { PodTemplate } from './strategy.js';

const pt = (template: unknown): PodTemplate => ({ apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 't' }, template }) as PodTemplate;

test('pod templates: PodSpec defaults, template validation, CONTAINERS IMAGES POD LABELS', async () => {
  const { registry } = memoryRegistry(podtemplates);
  const created = (await registry.create(adminCtx(), pt({ metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'busybox:1' }] } }))) as PodTemplate;
  assert.equal(created.template!.spec!.restartPolicy, 'Always');
  assert.equal(created.template!.spec!.containers[0]!.imagePullPolicy, 'Always');
  assert.deepEqual(podtemplates.table!.cells(created, Date.now()), ['a,b', 'nginx,busybox:1', 'app=web,tier=fe']);
  const bad = await registry.create(adminCtx(), pt({ spec: { containers: [] } })).catch((e: { status: { message: string } }) => e);
  assert.equal((bad as { status: { message: string } }).status.message, 'PodTemplate "t" is invalid: template.spec.containers: Required value');
  const none = await registry.create(adminCtx(), { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 'u' } }).catch((e: { status: { message: string } }) => e);
  assert.equal((none as { status: { message: string } }).status.message, 'PodTemplate "u" is invalid: template: Required value');
});
