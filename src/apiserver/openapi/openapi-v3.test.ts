import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildOpenAPIV3, OpenApiV3, PATCH_CONTENT_TYPES, serveOpenAPIV3, type ServedResource } from './openapi-v3.js';
import type { Parameter } from './openapi-v3-paths.js';
import type { OpenAPISchema } from './schemas.js';

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const RESOURCES: ServedResource[] = [
  { group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true, verbs: ALL, subresources: [
    { subresource: 'status', verbs: ['get', 'patch', 'update'] },
    { subresource: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
    { subresource: 'log', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] },
  ] },
  { group: '', version: 'v1', kind: 'Namespace', resource: 'namespaces', namespaced: false, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true, verbs: ALL, subresources: [
    { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
    { subresource: 'status', verbs: ['get', 'patch', 'update'] },
  ] },
  { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', resource: 'selfsubjectaccessreviews', namespaced: false, verbs: ['create'] },
];

const openapi = buildOpenAPIV3(RESOURCES);
const apps = openapi.groupVersions.get('apis/apps/v1')!;

test('the root lists every GroupVersion with a hash of its document', () => {
  const root = JSON.parse(openapi.rootBody) as { paths: Record<string, { serverRelativeURL: string }> };
  assert.deepEqual(Object.keys(root.paths).sort(), ['api/v1', 'apis/apps/v1', 'apis/authorization.k8s.io/v1']);
  const hash = createHash('sha256').update(apps.body).digest('hex').toUpperCase();
  assert.equal(root.paths['apis/apps/v1']!.serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${hash}`);
  assert.match(root.paths['api/v1']!.serverRelativeURL, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{64}$/);
  assert.equal(buildOpenAPIV3(RESOURCES).groupVersions.get('apis/apps/v1')!.hash, apps.hash, 'documents are deterministic');
});

test('the Deployment item path has a patch operation kubectl accepts for server-side validation', () => {
  const doc = apps.document;
  assert.equal(doc.openapi, '3.0.0');
  const item = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']!;
  const patch = item.patch!;
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
  assert.equal(patch['x-kubernetes-action'], 'patch');
  assert.ok(patch.parameters!.some((p: Parameter) => p.name === 'fieldValidation' && p.in === 'query'));
  const content = (patch.requestBody as { content: Record<string, unknown> }).content;
  assert.deepEqual(Object.keys(content), PATCH_CONTENT_TYPES);
  assert.ok(!('application/strategic-merge-patch+json' in content));
  assert.deepEqual(item.parameters!.map((p) => p.name), ['name', 'namespace', 'pretty']);
  assert.deepEqual(['get', 'put', 'delete'].map((m) => (item as Record<string, { 'x-kubernetes-action': string }>)[m]!['x-kubernetes-action']), ['get', 'put', 'delete']);

  const collection = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments']!;
  assert.equal(collection.get!['x-kubernetes-action'], 'list');
  assert.equal(collection.post!['x-kubernetes-action'], 'post');
  assert.equal(collection.post!.operationId, 'createAppsV1NamespacedDeployment');
  assert.equal(collection.delete!['x-kubernetes-action'], 'deletecollection');
  assert.equal(doc.paths['/apis/apps/v1/deployments']!.get!.operationId, 'listAppsV1DeploymentForAllNamespaces');

  const scale = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']!;
  assert.deepEqual(scale.patch!['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.equal(scale.patch!.operationId, 'patchAppsV1NamespacedDeploymentScale');
});

test('a GroupVersion document carries exactly the schemas its operations reach', () => {
  const schemas = apps.document.components.schemas;
  const deployment = schemas['io.k8s.api.apps.v1.Deployment']!;
  assert.deepEqual(deployment['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  for (const name of ['io.k8s.api.apps.v1.DeploymentList', 'io.k8s.api.core.v1.PodSpec', 'io.k8s.api.autoscaling.v1.Scale',
    'io.k8s.apimachinery.pkg.apis.meta.v1.Patch', 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions', 'io.k8s.apimachinery.pkg.apis.meta.v1.Status']) {
    assert.ok(schemas[name], name);
  }
  assert.equal(schemas['io.k8s.api.core.v1.Service'], undefined, 'Service is not reachable from apps/v1');
  assert.equal(schemas['io.k8s.api.apps.v1.StatefulSet'], undefined, 'StatefulSet is not served in this fixture');

  const refs: string[] = [];
  JSON.stringify(apps.document, (key, value: unknown) => { if (key === '$ref') refs.push(value as string); return value; });
  for (const ref of refs) assert.ok(schemas[ref.replace('#/components/schemas/', '')] as OpenAPISchema | undefined, `dangling ${ref}`);
});

test('core paths: cluster-scoped and subresources; streaming subresources are left out', () => {
  const core = openapi.groupVersions.get('api/v1')!.document;
  assert.ok(core.paths['/api/v1/namespaces/{name}']!.patch);
  assert.deepEqual(core.paths['/api/v1/namespaces/{name}']!.parameters!.map((p) => p.name), ['name', 'pretty']);
  const eviction = core.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction']!;
  assert.deepEqual(eviction.post!['x-kubernetes-group-version-kind'], { group: 'policy', version: 'v1', kind: 'Eviction' });
  assert.ok(core.components.schemas['io.k8s.api.policy.v1.Eviction']);
  assert.ok(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/status']!.patch);
  assert.equal(core.paths['/api/v1/namespaces/{namespace}/pods/{name}/log'], undefined);
  const review = openapi.groupVersions.get('apis/authorization.k8s.io/v1')!.document;
  assert.deepEqual(Object.keys(review.paths), ['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews']);
});

test('serveOpenAPIV3 answers like upstream: root, immutable by hash, 301 when stale, 304, and nothing else', () => {
  const root = serveOpenAPIV3(openapi, '/openapi/v3', new URLSearchParams())!;
  assert.equal(root.status, 200);
  assert.equal(root.headers['Content-Type'], 'application/json');
  assert.equal(root.body, openapi.rootBody);

  const fresh = serveOpenAPIV3(openapi, '/openapi/v3/apis/apps/v1', new URLSearchParams({ hash: apps.hash, timeout: '32s' }))!;
  assert.equal(fresh.status, 200);
  assert.equal(fresh.headers['Cache-Control'], 'public, immutable');
  assert.equal(fresh.headers.ETag, `"${apps.hash}"`);
  assert.equal(fresh.body, apps.body);

  const stale = serveOpenAPIV3(openapi, '/openapi/v3/apis/apps/v1', new URLSearchParams({ hash: 'OLD' }))!;
  assert.equal(stale.status, 301);
  assert.equal(stale.headers.Location, `/openapi/v3/apis/apps/v1?hash=${apps.hash}`);

  assert.equal(serveOpenAPIV3(openapi, '/openapi/v3/apis/apps/v1', new URLSearchParams(), `"${apps.hash}"`)!.status, 304);
  assert.equal(serveOpenAPIV3(openapi, '/openapi/v3/apis/batch/v1', new URLSearchParams()), undefined);
  assert.equal(serveOpenAPIV3(openapi, '/openapi/v2', new URLSearchParams()), undefined);
});

test('OpenApiV3 builds from registry definitions: status, scale and extra subresources, virtual kinds create-only', () => {
  const strategy = {};
  const api = new OpenApiV3([
    { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true, statusStrategy: strategy, scale: { specReplicasPath: 'spec.replicas' } },
    { group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true, statusStrategy: strategy,
      extraSubresources: [{ name: 'binding', group: '', version: 'v1', kind: 'Binding', verbs: ['create'] }] },
    { group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', resource: 'selfsubjectrulesreviews', namespaced: false, virtual: true },
  ]);
  assert.deepEqual(Object.keys(api.root().paths).sort(), ['api/v1', 'apis/apps/v1', 'apis/authorization.k8s.io/v1']);
  const apps = api.document('apis/apps/v1')!;
  assert.ok(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status']!.patch);
  assert.deepEqual(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']!.put!['x-kubernetes-group-version-kind'],
    { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.ok(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments']!.delete, 'default verbs include deletecollection');
  const binding = api.document('api/v1')!.paths['/api/v1/namespaces/{namespace}/pods/{name}/binding']!;
  assert.deepEqual(binding.post!['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Binding' });
  const review = api.document('apis/authorization.k8s.io/v1')!;
  assert.deepEqual(Object.keys(review.paths), ['/apis/authorization.k8s.io/v1/selfsubjectrulesreviews']);
  assert.deepEqual(Object.keys(review.paths['/apis/authorization.k8s.io/v1/selfsubjectrulesreviews']!).filter((k) => k !== 'parameters'), ['post']);
  assert.equal(api.document('apis/batch/v1'), undefined);
  assert.equal(api.serve('/openapi/v3/apis/apps/v1', new URLSearchParams())!.status, 200);
});
