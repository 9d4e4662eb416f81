import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigMap, Service } from 'kubernetes-types/core/v1.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { SharedInformerFactory } from '../../client/informer-factory.js';
import { CONFIGMAPS, SERVICE_ACCOUNTS, SERVICES } from '../../client/resources.js';
import { clientResolveContext, withServiceCache } from './resolve-context.js';

test('clientResolveContext: objects, "not found" as undefined, services by namespace, token POSTs', async () => {
  const client = new FakeClient();
  await client.create<ConfigMap>(CONFIGMAPS, 'default', { metadata: { name: 'cfg' }, data: { a: '1' } });
  await client.create<Service>(SERVICES, 'default', { metadata: { name: 'kubernetes' }, spec: { clusterIP: '10.43.0.1' } });
  await client.create<Service>(SERVICES, 'other', { metadata: { name: 'x' }, spec: { clusterIP: '10.43.0.2' } });
  const ctx = clientResolveContext(client);
  assert.deepEqual((await ctx.getConfigMap('default', 'cfg'))?.data, { a: '1' });
  assert.equal(await ctx.getConfigMap('default', 'nope'), undefined);
  assert.equal(await ctx.getSecret('default', 'nope'), undefined);
  assert.equal(await ctx.getPersistentVolume('nope'), undefined);
  assert.deepEqual((await ctx.listServices('default')).map((s) => s.metadata?.name), ['kubernetes']);

  client.prependReactor((a) => (a.verb === 'create' && a.subresource === 'token' ? { ...(a.object as object), status: { token: 'jwt', expirationTimestamp: '2030-01-01T00:00:00Z' } } : undefined));
  const tr = await ctx.requestServiceAccountToken('default', 'robot', { spec: { audiences: [] } });
  assert.equal(tr.status?.token, 'jwt');
  const call = client.actions.find((a) => a.subresource === 'token');
  assert.deepEqual([call?.resource, call?.namespace, call?.name], ['/v1/serviceaccounts', 'default', 'robot']);
  assert.equal(SERVICE_ACCOUNTS.resource, 'serviceaccounts');
  assert.equal((call?.object as { kind?: string }).kind, 'TokenRequest');
});

test('withServiceCache answers from the informer once synced', async () => {
  const client = new FakeClient();
  await client.create<Service>(SERVICES, 'default', { metadata: { name: 'kubernetes' }, spec: { clusterIP: '10.43.0.1' } });
  const factory = new SharedInformerFactory(client);
  const informer = factory.informerFor<Service>(SERVICES);
  const ctx = withServiceCache(clientResolveContext(client), { hasSynced: () => informer.hasSynced(), lister: factory.listerFor<Service>(SERVICES) });
  assert.equal((await ctx.listServices('default')).length, 1, 'before sync: from the API');
  const controller = new AbortController();
  factory.start(controller.signal);
  await informer.waitForSync(controller.signal);
  const lists = client.actions.filter((a) => a.verb === 'list').length;
  assert.deepEqual((await ctx.listServices('default')).map((s) => s.metadata?.name), ['kubernetes']);
  assert.equal(client.actions.filter((a) => a.verb === 'list').length, lists, 'no LIST once the cache has synced');
  controller.abort();
});
