import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Client } from '../../client/types.js';
import { DiscoveryError, deletableResources, discoverResources } from './discovery.js';

const answers: Record<string, unknown> = {
  '/api/v1': {
    resources: [
      { name: 'pods', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] },
      { name: 'pods/status', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      { name: 'namespaces', namespaced: false, kind: 'Namespace', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
      { name: 'bindings', namespaced: true, kind: 'Binding', verbs: ['create'] },
    ],
  },
  '/apis': {
    groups: [
      { name: 'apps', preferredVersion: { version: 'v1' }, versions: [{ version: 'v1' }] },
      { name: 'broken.example.com', preferredVersion: { version: 'v1' } },
    ],
  },
  '/apis/apps/v1': { resources: [{ name: 'deployments', namespaced: true, kind: 'Deployment', verbs: ['delete', 'get', 'list', 'watch'] }] },
};

const requester = {
  request: async (_method: string, path: string) =>
    path in answers ? { statusCode: 200, body: JSON.stringify(answers[path]) } : { statusCode: 503, body: '{}' },
} as unknown as Client;

describe('discoverResources', () => {
  it('reads legacy discovery, skips subresources, and reports groups it could not read with what it could', async () => {
    const err = await discoverResources(requester).then(
      () => assert.fail('expected a DiscoveryError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DiscoveryError);
    assert.match(err.message, /broken\.example\.com\/v1: discovery: GET \/apis\/broken\.example\.com\/v1 answered 503/);
    const names = err.partial.map((r) => `${r.group}/${r.version}/${r.resource}`).sort();
    assert.deepEqual(names, ['/v1/bindings', '/v1/namespaces', '/v1/pods', 'apps/v1/deployments']);
    const deletable = deletableResources(err.partial).map((r) => r.resource).sort();
    assert.deepEqual(deletable, ['deployments', 'namespaces', 'pods']);
    assert.equal(err.partial.find((r) => r.resource === 'namespaces')?.namespaced, false);
  });

  it('assumes the well-known resources for a client that cannot make raw requests (the fake)', async () => {
    const all = await discoverResources({} as Client);
    assert.ok(all.some((r) => r.resource === 'configmaps' && r.kind === 'ConfigMap' && r.namespaced));
    assert.ok(all.some((r) => r.group === 'apps' && r.resource === 'replicasets'));
  });
});
