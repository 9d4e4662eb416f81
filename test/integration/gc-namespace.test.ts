// The garbage collector, namespace and service account controllers against a real kite server
// (its own controllers disabled), driven by the real kubectl: the three cascade modes of
// `kubectl delete`, `kubectl delete namespace` with content, and the default ServiceAccount.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { SharedInformerFactory } from '../../src/client/informer-factory.js';
import { CONFIGMAPS, SERVICE_ACCOUNTS } from '../../src/client/resources.js';
import { RestClient } from '../../src/client/rest-client.js';
import type { ApiObject, Watch } from '../../src/client/types.js';
import type { ControllerContext } from '../../src/controllers/context.js';
import { type GarbageCollector, runGarbageCollector } from '../../src/controllers/garbage-collector/controller.js';
import { runNamespaceController } from '../../src/controllers/namespace/controller.js';
import { runServiceAccountController } from '../../src/controllers/serviceaccount/controller.js';
import { type KiteServer, startKiteServer } from '../util/kite-server.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(`timed out waiting for: ${what}`);
}

describe('garbage collector, namespace and serviceaccount controllers with kubectl', () => {
  let kite: KiteServer;
  let client: RestClient;
  let gc: GarbageCollector;
  const stop = new AbortController();
  let watch: Watch<ApiObject> | undefined;
  /** Names of ConfigMaps in "default" in the order the API reported them deleted. */
  const deletedOrder: string[] = [];

  const kubectl = async (args: string[], stdin?: string, timeoutMs = 60_000): Promise<string> => {
    const r = await kite.kubectl(args, { stdin, timeoutMs });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const exists = async (args: string[]): Promise<boolean> => {
    const r = await kite.kubectl(['get', ...args]);
    if (r.code !== 0) assert.match(r.stderr, /NotFound/, r.stderr);
    return r.code === 0;
  };
  const uidOf = async (name: string, namespace = 'default'): Promise<string> =>
    kubectl(['get', 'configmap', name, '-n', namespace, '-o', 'jsonpath={.metadata.uid}']);

  /** Creates `owner` and dependents owned by it (all ConfigMaps), through kubectl. */
  const createFamily = async (owner: string, dependents: string[], opts: { namespace?: string; block?: boolean } = {}): Promise<string> => {
    const namespace = opts.namespace ?? 'default';
    await kubectl(['create', 'configmap', owner, '-n', namespace, '--from-literal=role=owner']);
    const uid = await uidOf(owner, namespace);
    const items = dependents.map((name) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace,
        ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid, ...(opts.block ? { blockOwnerDeletion: true } : {}) }],
      },
      data: { role: 'dependent' },
    }));
    await kubectl(['create', '--validate=false', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    // The collector must know the family before the owner goes (as it would in a running cluster).
    await eventually('the graph to hold the dependents', async () => (gc.graph.get(uid)?.dependents.size ?? 0) === dependents.length);
    return uid;
  };

  before(async () => {
    kite = await startKiteServer({ args: ['--disable-controllers', '--disable-scheduler'] });
    client = await RestClient.fromKubeconfig(kite.kubeconfig, { userAgent: 'gc-namespace-test' });
    const ctx: ControllerContext = {
      client,
      informers: new SharedInformerFactory(client),
      signal: stop.signal,
      log: pino({ level: 'silent' }),
    };
    gc = await runGarbageCollector(ctx);
    await runNamespaceController(ctx);
    await runServiceAccountController(ctx);
    watch = await client.watch<ApiObject>(CONFIGMAPS, 'default', {
      resourceVersion: '0',
      onEvent: (ev) => {
        if (ev.type === 'DELETED') deletedOrder.push((ev.object as ApiObject).metadata?.name ?? '');
      },
    });
  });

  after(async () => {
    watch?.stop();
    stop.abort();
    client?.close();
    await kite?.stop();
  });

  it('watches every deletable resource except events', () => {
    const monitored = gc.monitoredResources();
    for (const r of ['/v1/configmaps', '/v1/pods', 'apps/v1/replicasets', 'apps/v1/deployments', 'batch/v1/jobs', '/v1/namespaces']) assert.ok(monitored.includes(r), `${r} in ${monitored.join(', ')}`);
    assert.ok(!monitored.includes('/v1/events'));
  });

  it('background: kubectl delete removes the owner and the collector removes the dependents', async () => {
    await createFamily('bg-owner', ['bg-dep-1', 'bg-dep-2']);
    const out = await kubectl(['delete', 'configmap', 'bg-owner']);
    assert.match(out, /configmap "bg-owner" deleted/);
    await eventually('the dependents to be collected', async () => !(await exists(['configmap', 'bg-dep-1'])) && !(await exists(['configmap', 'bg-dep-2'])));
  });

  it('a dependent with a second live owner only loses the reference to the deleted one', async () => {
    const uid = await createFamily('multi-a', ['multi-dep']);
    await kubectl(['create', 'configmap', 'multi-b']);
    const uidB = await uidOf('multi-b');
    await kubectl(['patch', 'configmap', 'multi-dep', '--type=merge', '-p', JSON.stringify({
      metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'multi-a', uid }, { apiVersion: 'v1', kind: 'ConfigMap', name: 'multi-b', uid: uidB }] },
    })]);
    await kubectl(['delete', 'configmap', 'multi-a']);
    await eventually('the dangling reference to be dropped', async () =>
      (await kubectl(['get', 'configmap', 'multi-dep', '-o', 'jsonpath={.metadata.ownerReferences[*].name}'])) === 'multi-b');
    assert.ok(await exists(['configmap', 'multi-dep']));
  });

  it('foreground: kubectl delete --cascade=foreground returns once the owner is gone, after its dependents', async () => {
    await createFamily('fg-owner', ['fg-dep-1', 'fg-dep-2'], { block: true });
    const out = await kubectl(['delete', 'configmap', 'fg-owner', '--cascade=foreground']);
    assert.match(out, /configmap "fg-owner" deleted/);
    // kubectl waited for the owner to be gone, which the collector allows only after the dependents.
    assert.equal(await exists(['configmap', 'fg-owner']), false);
    assert.equal(await exists(['configmap', 'fg-dep-1']), false);
    assert.equal(await exists(['configmap', 'fg-dep-2']), false);
    await eventually('the watch to report the deletions', async () => deletedOrder.includes('fg-owner'));
    const owner = deletedOrder.indexOf('fg-owner');
    assert.ok(deletedOrder.indexOf('fg-dep-1') >= 0 && deletedOrder.indexOf('fg-dep-1') < owner, deletedOrder.join(','));
    assert.ok(deletedOrder.indexOf('fg-dep-2') >= 0 && deletedOrder.indexOf('fg-dep-2') < owner, deletedOrder.join(','));
  });

  it('orphan: kubectl delete --cascade=orphan leaves the dependents without the owner reference', async () => {
    await createFamily('or-owner', ['or-dep-1', 'or-dep-2']);
    const out = await kubectl(['delete', 'configmap', 'or-owner', '--cascade=orphan']);
    assert.match(out, /configmap "or-owner" deleted/);
    assert.equal(await exists(['configmap', 'or-owner']), false);
    for (const dep of ['or-dep-1', 'or-dep-2']) {
      assert.equal(await kubectl(['get', 'configmap', dep, '-o', 'jsonpath={.metadata.ownerReferences}']), '', `${dep} keeps no owner reference`);
    }
    await sleep(500);
    assert.ok(await exists(['configmap', 'or-dep-1']), 'orphans are not collected later');
  });

  it('kubectl delete namespace empties the namespace and waits until it is gone', async () => {
    await kubectl(['create', 'namespace', 'doomed']);
    await kubectl(['create', 'configmap', 'settings', '-n', 'doomed', '--from-literal=a=b']);
    await kubectl(['create', 'secret', 'generic', 'creds', '-n', 'doomed', '--from-literal=p=q']);
    await createFamily('ns-owner', ['ns-dep'], { namespace: 'doomed', block: true });
    await eventually('the default service account', () => exists(['serviceaccount', 'default', '-n', 'doomed']));

    const out = await kubectl(['delete', 'namespace', 'doomed'], undefined, 90_000);
    assert.match(out, /namespace "doomed" deleted/);
    assert.equal(await exists(['namespace', 'doomed']), false);
    for (const type of [CONFIGMAPS, SERVICE_ACCOUNTS]) {
      const left = await client.list(type, 'doomed');
      assert.deepEqual(left.items.map((o) => o.metadata?.name), [], `${type.resource} left in doomed`);
    }
    const r = await kite.kubectl(['create', 'configmap', 'again', '-n', 'doomed']);
    assert.notEqual(r.code, 0, 'the namespace is really gone');
  });

  it('a new namespace gets a default service account, recreated when deleted', async () => {
    await kubectl(['create', 'namespace', 'newns']);
    await eventually('kubectl get sa default -n newns', () => exists(['serviceaccount', 'default', '-n', 'newns']));
    const out = await kubectl(['get', 'sa', 'default', '-n', 'newns']);
    assert.match(out, /^default\s+/m);
    const before = await kubectl(['get', 'sa', 'default', '-n', 'newns', '-o', 'jsonpath={.metadata.uid}']);
    await kubectl(['delete', 'sa', 'default', '-n', 'newns']);
    await eventually('the default service account to come back', async () => {
      const r = await kite.kubectl(['get', 'sa', 'default', '-n', 'newns', '-o', 'jsonpath={.metadata.uid}']);
      return r.code === 0 && r.stdout !== before;
    });
  });
});
