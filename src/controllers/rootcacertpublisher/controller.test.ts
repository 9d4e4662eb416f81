import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { FakeClient } from '../../client/fake/fake-client.js';
import { SharedInformerFactory } from '../../client/informer-factory.js';
import { CONFIGMAPS, NAMESPACES } from '../../client/resources.js';
import type { ApiObject } from '../../client/types.js';
import { ROOT_CA_CONFIGMAP, runRootCaCertPublisher } from './controller.js';

const stops: AbortController[] = [];
after(() => stops.forEach((s) => s.abort()));

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

type ConfigMap = ApiObject & { data?: Record<string, string> };
const caIn = async (client: FakeClient, ns: string): Promise<string | undefined> => {
  try {
    return (await client.get<ConfigMap>(CONFIGMAPS, ns, ROOT_CA_CONFIGMAP)).data?.['ca.crt'];
  } catch {
    return undefined;
  }
};

describe('RootCaCertPublisher', () => {
  it('publishes kube-root-ca.crt in every active namespace, restores it when deleted or edited, skips terminating ones', async () => {
    const client = new FakeClient();
    await client.create(NAMESPACES, undefined, { metadata: { name: 'default' }, status: { phase: 'Active' } } as ApiObject);
    await client.create(NAMESPACES, undefined, { metadata: { name: 'going', deletionTimestamp: '2025-01-01T00:00:00Z' }, status: { phase: 'Terminating' } } as ApiObject);
    await client.create(CONFIGMAPS, 'default', { metadata: { name: 'unrelated' }, data: { a: 'b' } } as ConfigMap);
    const stop = new AbortController();
    stops.push(stop);
    const controller = await runRootCaCertPublisher({ client, informers: new SharedInformerFactory(client), signal: stop.signal, log: pino({ level: 'silent' }), rootCaPem: CA });
    assert.ok(controller);

    await eventually('the CA in default', async () => (await caIn(client, 'default')) === CA);
    await client.create(NAMESPACES, undefined, { metadata: { name: 'fresh' }, status: { phase: 'Active' } } as ApiObject);
    await eventually('the CA in fresh', async () => (await caIn(client, 'fresh')) === CA);

    await client.delete(CONFIGMAPS, 'fresh', ROOT_CA_CONFIGMAP);
    await eventually('the CA back in fresh', async () => (await caIn(client, 'fresh')) === CA);

    const edited = await client.get<ConfigMap>(CONFIGMAPS, 'default', ROOT_CA_CONFIGMAP);
    await client.update(CONFIGMAPS, 'default', { ...edited, data: { 'ca.crt': 'tampered', extra: 'x' } });
    await eventually('the CA restored in default', async () => {
      const cm = await client.get<ConfigMap>(CONFIGMAPS, 'default', ROOT_CA_CONFIGMAP);
      return JSON.stringify(cm.data) === JSON.stringify({ 'ca.crt': CA });
    });

    await controller.sync('going');
    assert.equal(await caIn(client, 'going'), undefined);
    assert.deepEqual((await client.get<ConfigMap>(CONFIGMAPS, 'default', 'unrelated')).data, { a: 'b' });
  });

  it('without a CA it publishes nothing and says so', async () => {
    const client = new FakeClient();
    const stop = new AbortController();
    stops.push(stop);
    const controller = await runRootCaCertPublisher({ client, informers: new SharedInformerFactory(client), signal: stop.signal, log: pino({ level: 'silent' }) });
    assert.equal(controller, undefined);
  });
});
