import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { FakeClient } from '../../client/fake/fake-client.js';
import { SharedInformerFactory } from '../../client/informer-factory.js';
import { NAMESPACES, SERVICE_ACCOUNTS } from '../../client/resources.js';
import type { ApiObject } from '../../client/types.js';
import { ServiceAccountController, runServiceAccountController } from './controller.js';
import { Indexer } from '../../client/indexer.js';
import { Lister } from '../../client/lister.js';
import { alreadyExists, internal } from '../../apimachinery/errors.js';

const stops: AbortController[] = [];
after(() => stops.forEach((s) => s.abort()));

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(10);
  }
  assert.fail(`timed out waiting for ${what}`);
}

const saNames = async (client: FakeClient, namespace: string): Promise<string[]> =>
  (await client.list<ApiObject>(SERVICE_ACCOUNTS, namespace)).items.map((sa) => sa.metadata?.name ?? '');

describe('ServiceAccountController', () => {
  it('creates "default" in every active namespace, again when deleted, never in a terminating one', async () => {
    const client = new FakeClient();
    await client.create(NAMESPACES, undefined, { metadata: { name: 'existing' }, status: { phase: 'Active' } } as ApiObject);
    await client.create(NAMESPACES, undefined, { metadata: { name: 'going', deletionTimestamp: '2025-01-01T00:00:00Z' }, status: { phase: 'Terminating' } } as ApiObject);
    await client.create(NAMESPACES, undefined, { metadata: { name: 'has-one' }, status: { phase: 'Active' } } as ApiObject);
    await client.create(SERVICE_ACCOUNTS, 'has-one', { metadata: { name: 'default' } });
    const stop = new AbortController();
    stops.push(stop);
    const controller = await runServiceAccountController({ client, informers: new SharedInformerFactory(client), signal: stop.signal, log: pino({ level: 'silent' }) });

    await eventually('default in existing', async () => (await saNames(client, 'existing')).includes('default'));
    await client.create(NAMESPACES, undefined, { metadata: { name: 'fresh' }, status: { phase: 'Active' } } as ApiObject);
    await eventually('default in fresh', async () => (await saNames(client, 'fresh')).includes('default'));

    await client.delete(SERVICE_ACCOUNTS, 'fresh', 'default');
    await eventually('default back in fresh', async () => (await saNames(client, 'fresh')).includes('default'));

    await controller.sync('going');
    await controller.sync('has-one');
    assert.deepEqual(await saNames(client, 'going'), []);
    const creates = client.actions.filter((a) => a.verb === 'create' && a.resource === '/v1/serviceaccounts').map((a) => a.namespace);
    assert.deepEqual(creates.sort(), ['existing', 'fresh', 'fresh', 'has-one'], 'only the test created the one in has-one');
  });

  it('treats AlreadyExists (a cache behind the API) as success, other errors as failure', async () => {
    const namespaces = new Indexer<ApiObject>();
    namespaces.set('ns', { metadata: { name: 'ns' }, status: { phase: 'Active' } } as ApiObject);
    const calls: string[] = [];
    let answer: Error = alreadyExists({ group: '', resource: 'serviceaccounts' }, 'default');
    const client = {
      create: async <T>(_type: unknown, namespace: string | undefined, obj: T): Promise<T> => {
        calls.push(`${namespace}/${(obj as ApiObject).metadata?.name}`);
        throw answer;
      },
    };
    const controller = new ServiceAccountController(client, new Lister(namespaces), new Lister(new Indexer<ApiObject>()));
    await controller.sync('ns');
    assert.deepEqual(calls, ['ns/default']);
    answer = internal('boom');
    await assert.rejects(controller.sync('ns'), /boom/);
  });
});
