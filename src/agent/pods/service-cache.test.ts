import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Service } from 'kubernetes-types/core/v1.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { SERVICES } from '../../client/resources.js';
import { clientResolveContext } from '../kuberuntime/resolve-context.js';
import { serviceCachedContext } from './service-cache.js';

const svc = (namespace: string, name: string): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec: { clusterIP: '10.43.0.9', ports: [{ port: 80 }] } });
const serviceLists = (client: FakeClient): number => client.actions.filter((a) => a.verb === 'list' && a.resource.endsWith('/services')).length;

test('Services come from the watch once it synced: no LIST per container start, and new Services show up', async () => {
  const client = new FakeClient();
  await client.create(SERVICES, 'default', svc('default', 'kubernetes'));
  await client.create(SERVICES, 'shop', svc('shop', 'db'));
  const cached = serviceCachedContext(client, clientResolveContext(client));
  const abort = new AbortController();
  const done = cached.run(abort.signal);
  try {
    for (let i = 0; i < 100 && serviceLists(client) === 0; i++) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 20));
    const listsAfterSync = serviceLists(client);
    assert.deepEqual((await cached.context.listServices('shop')).map((s) => s.metadata?.name), ['db']);
    assert.deepEqual((await cached.context.listServices('default')).map((s) => s.metadata?.name), ['kubernetes']);
    assert.equal(serviceLists(client), listsAfterSync, 'answered from the cache');
    await client.create(SERVICES, 'shop', svc('shop', 'cache'));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual((await cached.context.listServices('shop')).map((s) => s.metadata?.name).sort(), ['cache', 'db']);
  } finally {
    abort.abort();
    await done;
  }
});

test('before the watch synced, Services are listed from the API', async () => {
  const client = new FakeClient();
  await client.create(SERVICES, 'default', svc('default', 'kubernetes'));
  const cached = serviceCachedContext(client, clientResolveContext(client));
  assert.deepEqual((await cached.context.listServices('default')).map((s) => s.metadata?.name), ['kubernetes']);
  assert.equal(serviceLists(client), 1);
});
