import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { notFound } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import type { RequestContext, ResourceDefinition } from '../registry/generic/resource.js';
import type { ServedResource } from '../registry/served-resource.js';
import type { AdmissionAttributes } from './admission.js';
import { serviceAccountAdmission } from './service-account.js';

const accounts: Record<string, KubeObject> = {
  'ns1/default': { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'ns1' } },
  'ns1/puller': { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'puller', namespace: 'ns1' }, imagePullSecrets: [{ name: 'regcred' }, { name: 'other' }] },
  'ns1/quiet': { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'quiet', namespace: 'ns1' }, automountServiceAccountToken: false },
  'ns2/default': { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'ns2' }, imagePullSecrets: [{ name: 'nsdefault' }] },
};
const reads: string[] = [];
const lookup = (group: string, resource: string): ServedResource => {
  assert.equal(`${resource}.${group}`, 'serviceaccounts.');
  return {
    registry: {
      read: async (ns: string, name: string) => {
        reads.push(`${ns}/${name}`);
        const sa = accounts[`${ns}/${name}`];
        if (!sa) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
        return sa;
      },
    },
  } as unknown as ServedResource;
};
const plugin = serviceAccountAdmission(lookup);

async function admitPod(namespace: string, spec: Record<string, unknown>, extra: Partial<AdmissionAttributes> = {}, annotations?: Record<string, string>): Promise<Record<string, unknown>> {
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace, ...(annotations && { annotations }) }, spec };
  await plugin.mutate!({
    operation: 'CREATE', def: { group: '', resource: 'pods' } as ResourceDefinition, object: pod, oldObject: null,
    ctx: { namespace } as RequestContext, subresource: '', ...extra,
  });
  return pod.spec as Record<string, unknown>;
}

describe('ServiceAccount admission', () => {
  test("a pod gets its ServiceAccount's imagePullSecrets (copied, not shared)", async () => {
    const spec = await admitPod('ns1', { serviceAccountName: 'puller', containers: [] });
    assert.deepEqual(spec.imagePullSecrets, [{ name: 'regcred' }, { name: 'other' }]);
    assert.equal(spec.serviceAccount, 'puller');
    (spec.imagePullSecrets as { name: string }[])[0]!.name = 'changed';
    assert.equal((accounts['ns1/puller']!.imagePullSecrets as { name: string }[])[0]!.name, 'regcred');
  });

  test('a pod without a service account runs as "default" and gets its secrets', async () => {
    const spec = await admitPod('ns2', { containers: [] });
    assert.equal(spec.serviceAccountName, 'default');
    assert.equal(spec.serviceAccount, 'default');
    assert.deepEqual(spec.imagePullSecrets, [{ name: 'nsdefault' }]);
  });

  test('the deprecated serviceAccount field names the account when serviceAccountName is empty', async () => {
    const spec = await admitPod('ns1', { serviceAccount: 'puller', containers: [] });
    assert.equal(spec.serviceAccountName, 'puller');
    assert.deepEqual(spec.imagePullSecrets, [{ name: 'regcred' }, { name: 'other' }]);
  });

  test("the pod's own imagePullSecrets win; no lookup is needed when the pod also decides on its token", async () => {
    reads.length = 0;
    const spec = await admitPod('ns1', { serviceAccountName: 'puller', imagePullSecrets: [{ name: 'mine' }], automountServiceAccountToken: false, containers: [] });
    assert.deepEqual(spec.imagePullSecrets, [{ name: 'mine' }]);
    assert.deepEqual(reads, []);
  });

  test('an account without secrets, or one that does not exist, leaves the pod without any', async () => {
    assert.equal((await admitPod('ns1', { containers: [] })).imagePullSecrets, undefined);
    const spec = await admitPod('ns1', { serviceAccountName: 'ghost', containers: [] });
    assert.equal(spec.serviceAccountName, 'ghost');
    assert.equal(spec.imagePullSecrets, undefined);
  });

  test('updates, subresources, other resources and mirror pods are left alone', async () => {
    assert.equal((await admitPod('ns2', { containers: [] }, { operation: 'UPDATE' })).serviceAccountName, undefined);
    assert.equal((await admitPod('ns2', { containers: [] }, { subresource: 'binding' })).serviceAccountName, undefined);
    assert.equal((await admitPod('ns2', { containers: [] }, { def: { group: '', resource: 'podtemplates' } as ResourceDefinition })).serviceAccountName, undefined);
    assert.equal((await admitPod('ns2', { containers: [] }, {}, { 'kubernetes.io/config.mirror': 'x' })).serviceAccountName, undefined);
  });

  test('every container gets the kube-api-access volume: token, ca.crt and namespace, read-only', async () => {
    const spec = await admitPod('ns1', {
      initContainers: [{ name: 'init' }],
      containers: [{ name: 'a', volumeMounts: [{ name: 'data', mountPath: '/data' }] }, { name: 'b' }],
      volumes: [{ name: 'data', emptyDir: {} }],
    });
    const volumes = spec.volumes as { name: string; projected?: { sources: Record<string, unknown>[]; defaultMode: number } }[];
    assert.equal(volumes.length, 2);
    const access = volumes[1]!;
    assert.match(access.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(access.projected, {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
      defaultMode: 420,
    });
    const mountsOf = (list: unknown): unknown[] => (list as { volumeMounts: unknown[] }[]).map((c) => c.volumeMounts);
    const mount = { name: access.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
    assert.deepEqual(mountsOf(spec.initContainers), [[mount]]);
    assert.deepEqual(mountsOf(spec.containers), [[{ name: 'data', mountPath: '/data' }, mount], [mount]]);
  });

  test('no token when the pod or its account opts out, or a container already mounts something there', async () => {
    assert.equal((await admitPod('ns1', { automountServiceAccountToken: false, containers: [{ name: 'a' }] })).volumes, undefined);
    assert.equal((await admitPod('ns1', { serviceAccountName: 'quiet', containers: [{ name: 'a' }] })).volumes, undefined);
    // The pod's own choice overrides the account's.
    assert.equal(((await admitPod('ns1', { serviceAccountName: 'quiet', automountServiceAccountToken: true, containers: [{ name: 'a' }] })).volumes as unknown[]).length, 1);
    const own = { name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
    const spec = await admitPod('ns1', { containers: [{ name: 'a', volumeMounts: [own] }], volumes: [{ name: 'mine', secret: { secretName: 's' } }] });
    assert.deepEqual(spec.volumes, [{ name: 'mine', secret: { secretName: 's' } }]);
    assert.deepEqual((spec.containers as { volumeMounts: unknown[] }[])[0]!.volumeMounts, [own]);
  });
});
