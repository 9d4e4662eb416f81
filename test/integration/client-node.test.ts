// The official JavaScript client (@kubernetes/client-node) against kite: create, list, watch.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { type KiteServer, startKiteServer } from '../util/kite-server.js';

describe('@kubernetes/client-node against kite server', () => {
  let kite: KiteServer;
  let config: k8s.KubeConfig;
  before(async () => {
    kite = await startKiteServer();
    config = new k8s.KubeConfig();
    config.loadFromFile(kite.kubeconfig);
  });
  after(async () => {
    await kite?.stop();
  });

  it('creates and lists namespaced objects', async () => {
    const core = config.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'from-client-node', labels: { via: 'client-node' } }, data: { k: 'v' } },
    });
    const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'via=client-node' });
    assert.deepEqual(list.items.map((cm) => cm.metadata?.name), ['from-client-node']);
    assert.ok(list.metadata?.resourceVersion, 'the list carries a resourceVersion');
    const namespaces = await core.listNamespace();
    assert.ok(namespaces.items.some((ns) => ns.metadata?.name === 'kube-system'));
  });

  it('reports API errors as Kubernetes Status objects', async () => {
    const core = config.makeApiClient(k8s.CoreV1Api);
    await assert.rejects(
      core.readNamespacedConfigMap({ name: 'missing', namespace: 'default' }),
      (err: unknown) => (err as { code?: number }).code === 404,
    );
  });

  it('watches changes from a list resourceVersion', async () => {
    const core = config.makeApiClient(k8s.CoreV1Api);
    const start = await core.listNamespacedConfigMap({ namespace: 'default' });
    const watch = new k8s.Watch(config);
    const seen: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      void watch
        .watch(
          '/api/v1/namespaces/default/configmaps',
          { resourceVersion: start.metadata?.resourceVersion, labelSelector: 'watched=yes' },
          (type, obj: k8s.V1ConfigMap) => {
            seen.push(`${type} ${obj.metadata?.name}`);
            if (seen.length === 3) resolve();
          },
          (err) => (err ? reject(err) : undefined),
        )
        .then((req) => setTimeout(() => req.abort(), 15_000).unref());
    });
    await new Promise((r) => setTimeout(r, 300));
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w1', labels: { watched: 'yes' } } } });
    await core.patchNamespacedConfigMap(
      { name: 'w1', namespace: 'default', body: { data: { changed: 'true' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ name: 'w1', namespace: 'default' });
    await done;
    assert.deepEqual(seen, ['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
  });
});
