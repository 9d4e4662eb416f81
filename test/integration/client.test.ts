// The client layer against a real kite server: the HTTPS client (CRUD, Status errors, paging,
// watch), an informer whose cache and handlers must see exactly the writes made, and the
// in-process transport (HTTPS over a Unix socket with the apiserver's own certificate).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusError } from '../../src/apimachinery/errors.js';
import { apiSocketPath, inProcessClient, serveOnUnixSocket } from '../../src/client/in-process.js';
import { SharedInformerFactory } from '../../src/client/informer-factory.js';
import { SharedInformer, newInformer } from '../../src/client/informer.js';
import { RestClient } from '../../src/client/rest-client.js';
import { EventRecorder } from '../../src/client/event-recorder.js';
import { CONFIGMAPS, EVENTS, NAMESPACES } from '../../src/client/resources.js';
import { recordEvents } from '../../src/client/testing.js';
import { isStatus, type ApiObject, type ListOptions, type WatchOptions } from '../../src/client/types.js';
import { ensurePki } from '../../src/pki/bootstrap.js';
import { apiserverTlsOptions } from '../../src/pki/tls.js';
import { startControlPlane } from '../../src/server/control-plane.js';
import { type KiteServer, startKiteServer } from '../util/kite-server.js';

interface ConfigMap extends ApiObject {
  data?: Record<string, string>;
}

// Every namespace also holds kube-root-ca.crt (root-ca-cert-publisher): the tests watch their own.
const OWN = 'metadata.name!=kube-root-ca.crt';

const cm = (namespace: string, name: string, data: Record<string, string> = {}, labels?: Record<string, string>): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, ...(labels ? { labels } : {}) },
  data,
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

const statusOf = async (promise: Promise<unknown>): Promise<StatusError> => {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
};

describe('HTTPS client against kite server', () => {
  let server: KiteServer;
  let client: RestClient;

  before(async () => {
    server = await startKiteServer();
    client = await RestClient.fromKubeconfig(server.kubeconfig, { userAgent: 'kite-client-test' });
    for (const ns of ['informed', 'paging', 'errors']) await client.create(NAMESPACES, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  after(async () => {
    client?.close();
    await server?.stop();
  });

  test('an informer sees exactly the ConfigMap writes made with the client, in its cache and handlers', async () => {
    const existing = await client.create(CONFIGMAPS, 'informed', cm('informed', 'before', { k: '0' }));
    const informer = newInformer<ConfigMap>(client, { type: CONFIGMAPS, namespace: 'informed', fieldSelector: OWN, freeze: true });
    const rec = recordEvents(informer);
    const stop = new AbortController();
    const running = informer.run(stop.signal);
    try {
      assert.equal(await informer.waitForSync(AbortSignal.timeout(10_000)), true);
      assert.deepEqual(rec.events, [`add informed/before ${existing.metadata?.resourceVersion}`]);

      const a = await client.create(CONFIGMAPS, 'informed', cm('informed', 'a', { k: '1' }));
      const b = await client.create(CONFIGMAPS, 'informed', cm('informed', 'b', { k: '2' }));
      const a2 = await client.update(CONFIGMAPS, 'informed', { ...a, data: { k: '1b' } });
      const a3 = await client.patch<ConfigMap>(CONFIGMAPS, 'informed', 'a', 'merge', { data: { extra: 'x' } });
      const gone = await client.delete(CONFIGMAPS, 'informed', 'b');
      assert.ok(isStatus(gone) && gone.status === 'Success');
      await client.create(CONFIGMAPS, 'errors', cm('errors', 'in-another-namespace'));

      await rec.waitFor(6, 10_000);
      await settle();
      const rv = (o: ApiObject) => o.metadata?.resourceVersion;
      const deletedRv = String(Number(rv(a3)) + 1);
      assert.deepEqual(rec.events.slice(1), [
        `add informed/a ${rv(a)}`,
        `add informed/b ${rv(b)}`,
        `update informed/a ${rv(a)}->${rv(a2)}`,
        `update informed/a ${rv(a2)}->${rv(a3)}`,
        `delete informed/b ${deletedRv}`,
      ]);
      assert.deepEqual(informer.indexer.listKeys().sort(), ['informed/a', 'informed/before']);
      const cached = informer.indexer.get('informed/a')!;
      assert.deepEqual(cached.data, { k: '1b', extra: 'x' });
      assert.equal(cached.kind, 'ConfigMap');
      assert.ok(Object.isFrozen(cached));
    } finally {
      stop.abort();
      await running;
    }
  });

  test('list with limit=2 over 5 ConfigMaps: three pages by hand, one list with allPages', async () => {
    for (let i = 1; i <= 5; i++) await client.create(CONFIGMAPS, 'paging', cm('paging', `cm-${i}`));
    const names: string[] = [];
    const pageSizes: number[] = [];
    let cont: string | undefined;
    let firstRv: string | undefined;
    do {
      const page = await client.list<ConfigMap>(CONFIGMAPS, 'paging', { limit: 2, continue: cont, fieldSelector: OWN });
      firstRv ??= page.metadata.resourceVersion;
      pageSizes.push(page.items.length);
      names.push(...page.items.map((o) => o.metadata?.name ?? ''));
      cont = page.metadata.continue;
    } while (cont);
    assert.deepEqual(pageSizes, [2, 2, 1]);
    assert.deepEqual(names, ['cm-1', 'cm-2', 'cm-3', 'cm-4', 'cm-5']);

    const all = await client.list<ConfigMap>(CONFIGMAPS, 'paging', { limit: 2, allPages: true, fieldSelector: OWN });
    assert.deepEqual(all.items.map((o) => o.metadata?.name), names);
    assert.equal(all.metadata.continue, undefined);
    assert.equal(all.kind, 'ConfigMapList');
    assert.ok(Number(all.metadata.resourceVersion) >= Number(firstRv));
  });

  test('error answers become StatusErrors with the server Status: NotFound, AlreadyExists, Conflict, Invalid', async () => {
    const notFound = await statusOf(client.get(CONFIGMAPS, 'errors', 'missing'));
    assert.equal(notFound.reason, 'NotFound');
    assert.equal(notFound.code, 404);
    assert.equal(notFound.message, 'configmaps "missing" not found');

    const created = await client.create(CONFIGMAPS, 'errors', cm('errors', 'one'));
    const exists = await statusOf(client.create(CONFIGMAPS, 'errors', cm('errors', 'one')));
    assert.equal(exists.reason, 'AlreadyExists');
    assert.equal(exists.code, 409);

    await client.update(CONFIGMAPS, 'errors', { ...created, data: { v: '2' } });
    const stale = await statusOf(client.update(CONFIGMAPS, 'errors', { ...created, data: { v: '3' } }));
    assert.equal(stale.reason, 'Conflict');

    const invalid = await statusOf(client.create(CONFIGMAPS, 'errors', cm('errors', 'Not_A_Name')));
    assert.equal(invalid.reason, 'Invalid');
    assert.equal(invalid.code, 422);
    assert.ok((invalid.status.details?.causes?.length ?? 0) > 0);
  });

  test('typed facade, label-selected list, deleteCollection and a watch iterated to the end', async () => {
    const cms = client.resource<ConfigMap>(CONFIGMAPS).namespace('errors');
    await cms.create(cm('errors', 'sel-1', {}, { tier: 'x' }));
    await cms.create(cm('errors', 'sel-2', {}, { tier: 'x' }));
    await cms.create(cm('errors', 'sel-3', {}, { tier: 'y' }));
    const start = await cms.list({ labelSelector: 'tier=x' });
    assert.deepEqual(start.items.map((o) => o.metadata?.name), ['sel-1', 'sel-2']);
    assert.equal((await cms.get('sel-3')).metadata?.labels?.tier, 'y');

    const watch = await cms.watch({ resourceVersion: start.metadata.resourceVersion, labelSelector: 'tier=x', timeoutSeconds: 2 });
    await cms.deleteCollection({ labelSelector: 'tier=x' });
    const seen: string[] = [];
    for await (const event of watch) {
      if (event.type !== 'ERROR') seen.push(`${event.type} ${event.object.metadata?.name ?? ''}`);
    }
    assert.deepEqual(seen.filter((s) => !s.startsWith('BOOKMARK')).sort(), ['DELETED sel-1', 'DELETED sel-2']);
    assert.equal(await watch.ended, undefined, 'the server ended the watch after timeoutSeconds, cleanly');
    assert.deepEqual((await cms.list()).items.map((o) => o.metadata?.name).filter((n) => n?.startsWith('sel-')), ['sel-3']);
  });

  test('EventRecorder writes core/v1 Events and folds repeats into count', async () => {
    const target = await client.create<ConfigMap>(CONFIGMAPS, 'errors', cm('errors', 'evented'));
    const recorder = new EventRecorder(client, { component: 'client-test' });
    recorder.event(target, 'Warning', 'FailedThing', 'it failed');
    recorder.event(target, 'Warning', 'FailedThing', 'it failed');
    recorder.event(target, 'Normal', 'DidThing', 'it worked');
    await recorder.flush();
    const events = await client.list<ApiObject & { reason: string; count: number; involvedObject: { uid?: string } }>(EVENTS, 'errors', {
      fieldSelector: `involvedObject.name=evented`,
    });
    const byReason = Object.fromEntries(events.items.map((e) => [e.reason, e]));
    assert.equal(byReason['FailedThing']?.count, 2);
    assert.equal(byReason['DidThing']?.count, 1);
    assert.equal(byReason['FailedThing']?.involvedObject.uid, target.metadata?.uid);
    const shown = await server.kubectl(['get', 'events', '-n', 'errors', '--field-selector', 'reason=FailedThing', '-o', 'jsonpath={.items[*].count}']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(shown.stdout.trim(), '2');
  });

  test('the shared informer factory gives one informer per resource and syncs them', async () => {
    const factory = new SharedInformerFactory(client);
    const one = factory.informerFor(NAMESPACES);
    assert.equal(factory.informerFor(NAMESPACES), one);
    const cms = factory.informerFor(CONFIGMAPS);
    const stop = new AbortController();
    factory.start(stop.signal);
    try {
      assert.equal(await factory.waitForCacheSync(AbortSignal.timeout(10_000)), true);
      const nsNames = factory.listerFor(NAMESPACES).list().map((n) => n.metadata?.name);
      for (const name of ['default', 'kube-system', 'informed', 'paging']) assert.ok(nsNames.includes(name), name);
      assert.equal(factory.listerFor(CONFIGMAPS).namespace('paging').list().filter((c) => c.metadata?.name !== 'kube-root-ca.crt').length, 5);
      assert.ok(cms.hasSynced());
    } finally {
      stop.abort();
      await factory.stopped();
    }
  });
});

describe('informer across a kite server restart', () => {
  test('the informer rides out the outage and sees writes made after the restart', async () => {
    const first = await startKiteServer();
    let second: KiteServer | undefined;
    const client = await RestClient.fromKubeconfig(first.kubeconfig);
    const informer = newInformer<ConfigMap>(client, { type: CONFIGMAPS, namespace: 'default', fieldSelector: OWN, backoff: { initialMs: 50, maxMs: 500 } });
    const rec = recordEvents(informer);
    const stop = new AbortController();
    const running = informer.run(stop.signal);
    try {
      assert.equal(await informer.waitForSync(AbortSignal.timeout(10_000)), true);
      await client.create(CONFIGMAPS, 'default', cm('default', 'before-restart'));
      await rec.waitFor(1, 10_000);
      await first.stop({ cleanup: false });
      second = await startKiteServer({ dataDir: first.dataDir, port: first.port });
      const after = await client.create(CONFIGMAPS, 'default', cm('default', 'after-restart'));
      const events = await rec.waitFor(2, 15_000);
      assert.equal(events[1], `add default/after-restart ${after.metadata?.resourceVersion}`);
      assert.deepEqual(informer.indexer.listKeys().sort(), ['default/after-restart', 'default/before-restart']);
    } finally {
      stop.abort();
      await running;
      client.close();
      await second?.stop();
      await first.stop();
    }
  });
});

describe('in-process client over a Unix socket', () => {
  test('keeps authentication on the path: the apiserver certificate works, no certificate gets 401', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kite-inproc-'));
    const plane = await startControlPlane({ dataDir, httpsPort: 0, bindAddress: '127.0.0.1', datastoreEndpoint: 'memory://', logLevel: 'warn' });
    const pki = await ensurePki(dataDir);
    const listener = await serveOnUnixSocket(plane.apiserver.server, apiserverTlsOptions(pki), apiSocketPath(dataDir));
    const creds = { caPem: pki.serverCa.certPem, certPem: pki.apiserverClient.certPem, keyPem: pki.apiserverClient.keyPem };
    const client = inProcessClient(listener.path, creds);
    const anonymous = inProcessClient(listener.path, { ...creds, certPem: '', keyPem: '' });
    try {
      assert.equal((await stat(listener.path)).mode & 0o777, 0o600);
      const created = await client.create<ConfigMap>(CONFIGMAPS, 'default', cm('default', 'via-socket', { a: 'b' }));
      assert.ok(created.metadata?.uid);
      const informer = newInformer<ConfigMap>(client, { type: CONFIGMAPS, namespace: 'default' });
      const stop = new AbortController();
      const running = informer.run(stop.signal);
      assert.equal(await informer.waitForSync(AbortSignal.timeout(10_000)), true);
      assert.deepEqual(informer.indexer.get('default/via-socket')?.data, { a: 'b' });
      stop.abort();
      await running;

      const denied = await statusOf(anonymous.list(CONFIGMAPS, 'default'));
      assert.equal(denied.code, 401);
      assert.equal(denied.reason, 'Unauthorized');
    } finally {
      client.close();
      anonymous.close();
      await listener.close();
      await plane.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('an informer on the socket rides out the listener going away and catches up without relisting', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'kite-inproc-'));
    const plane = await startControlPlane({ dataDir, httpsPort: 0, bindAddress: '127.0.0.1', datastoreEndpoint: 'memory://', logLevel: 'warn' });
    const pki = await ensurePki(dataDir);
    const tls = apiserverTlsOptions(pki);
    let listener = await serveOnUnixSocket(plane.apiserver.server, tls, apiSocketPath(dataDir));
    const client = inProcessClient(listener.path, { caPem: pki.serverCa.certPem, certPem: pki.apiserverClient.certPem, keyPem: pki.apiserverClient.keyPem });
    const admin = await RestClient.fromKubeconfig(plane.kubeconfigPath);
    let lists = 0;
    const countingSource = {
      list: (opts: ListOptions) => (lists++, client.list<ConfigMap>(CONFIGMAPS, 'default', opts)),
      watch: (opts: WatchOptions) => client.watch<ConfigMap>(CONFIGMAPS, 'default', opts),
    };
    const informer = new SharedInformer<ConfigMap>(countingSource, { type: CONFIGMAPS, backoff: { initialMs: 20, maxMs: 200 } });
    const rec = recordEvents(informer);
    const stop = new AbortController();
    const running = informer.run(stop.signal);
    try {
      assert.equal(await informer.waitForSync(AbortSignal.timeout(10_000)), true);
      const before = rec.events.length;
      await listener.close(); // every connection on the socket drops, and new ones are refused
      const written = await admin.create(CONFIGMAPS, 'default', cm('default', 'during-outage'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(rec.events.length, before, 'nothing can arrive while the socket is gone');
      listener = await serveOnUnixSocket(plane.apiserver.server, tls, apiSocketPath(dataDir));
      const events = await rec.waitFor(before + 1, 10_000);
      assert.equal(events[before], `add default/during-outage ${written.metadata?.resourceVersion}`);
      assert.equal(lists, 1, 'resumed from the last resourceVersion; no relist');
    } finally {
      stop.abort();
      await running;
      client.close();
      admin.close();
      await listener.close();
      await plane.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
