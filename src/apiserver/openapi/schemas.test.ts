import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVED_KINDS } from '../../../scripts/gen-schemas.js';
import { allSchemas, deref, REF_PREFIX, resolveRef, schemaFor, schemaNameFor, type OpenAPISchema } from './schemas.js';

/** Follows `obj.properties[field]` through $ref/allOf wrappers. */
function field(schema: OpenAPISchema, name: string): OpenAPISchema {
  const property = deref(schema).properties?.[name];
  assert.ok(property, `no property ${name}`);
  return property;
}

test('schemaFor(apps, v1, Deployment) carries its GVK, description and nested $refs that resolve', () => {
  const deployment = schemaFor('apps', 'v1', 'Deployment');
  assert.ok(deployment);
  assert.equal(deployment.type, 'object');
  assert.deepEqual(deployment['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  assert.match(deployment.description ?? '', /declarative updates for Pods/);
  assert.equal(schemaNameFor('apps', 'v1', 'Deployment'), 'io.k8s.api.apps.v1.Deployment');

  const spec = field(deployment, 'spec');
  assert.deepEqual(spec.allOf, [{ $ref: `${REF_PREFIX}io.k8s.api.apps.v1.DeploymentSpec` }]);
  assert.match(spec.description ?? '', /desired behavior/);
  const replicas = field(spec, 'replicas');
  assert.equal(replicas.type, 'integer');
  assert.match(replicas.description ?? '', /Number of desired pods/);
  assert.deepEqual(deref(spec).required, ['selector', 'template']);

  const podSpec = field(field(spec, 'template'), 'spec');
  const containers = field(podSpec, 'containers');
  assert.equal(containers.type, 'array');
  assert.equal(deref(containers.items!).properties?.image?.type, 'string');
  assert.ok(deref(podSpec).required?.includes('containers'));
});

test('core kinds use group "" and unknown kinds have no schema', () => {
  assert.deepEqual(schemaFor('', 'v1', 'Pod')?.['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
  assert.equal(schemaFor('apps', 'v1', 'Nope'), undefined);
  assert.equal(schemaFor('', 'v1', 'Deployment'), undefined);
});

test('every kind kite serves, and its List, has a schema with an x-kubernetes-group-version-kind array', () => {
  const groupOf: Record<string, string> = { core: '', rbac: 'rbac.authorization.k8s.io', storage: 'storage.k8s.io',
    authorization: 'authorization.k8s.io', coordination: 'coordination.k8s.io', discovery: 'discovery.k8s.io',
    networking: 'networking.k8s.io', certificates: 'certificates.k8s.io' };
  for (const [module, kinds] of SERVED_KINDS) {
    const [dir, version] = module.split('/') as [string, string];
    const group = groupOf[dir] ?? dir;
    for (const kind of kinds) assert.ok(schemaFor(group, version, kind), `${group}/${version} ${kind}`);
  }
  assert.ok(schemaFor('apps', 'v1', 'DeploymentList'));
  assert.ok(schemaFor('', 'v1', 'PodList'));
  assert.ok(schemaFor('policy', 'v1', 'Eviction'));
  assert.deepEqual(schemaFor('', 'v1', 'Status')?.['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Status' }]);
});

test('every $ref in the generated schemas names a schema that exists', () => {
  const refs: string[] = [];
  const collect = (s: OpenAPISchema): void => {
    if (s.$ref) refs.push(s.$ref);
    Object.values(s.properties ?? {}).forEach(collect);
    (s.allOf ?? []).forEach(collect);
    if (s.items) collect(s.items);
    if (s.additionalProperties) collect(s.additionalProperties);
  };
  Object.values(allSchemas()).forEach(collect);
  assert.ok(refs.length > 500, `only ${refs.length} refs`);
  for (const ref of refs) assert.ok(resolveRef(ref), ref);
});

test('special types are mapped to their wire form', () => {
  const s = allSchemas();
  const quantity = s['io.k8s.apimachinery.pkg.api.resource.Quantity']!;
  // Typeless with oneOf, as upstream's v3 documents: `kubectl explain` then shows <Quantity> / <IntOrString>.
  assert.deepEqual([quantity.type, quantity.oneOf, quantity['x-kubernetes-int-or-string']], [undefined, [{ type: 'string' }, { type: 'number' }], true]);
  const intOrString = s['io.k8s.apimachinery.pkg.util.intstr.IntOrString']!;
  assert.deepEqual([intOrString.type, intOrString.oneOf, intOrString.format, intOrString['x-kubernetes-int-or-string']],
    [undefined, [{ type: 'integer' }, { type: 'string' }], 'int-or-string', true]);
  for (const name of ['Time', 'MicroTime']) {
    const t = s[`io.k8s.apimachinery.pkg.apis.meta.v1.${name}`]!;
    assert.deepEqual([t.type, t.format], ['string', 'date-time'], name);
  }
  assert.equal(s['io.k8s.apimachinery.pkg.runtime.RawExtension']!['x-kubernetes-preserve-unknown-fields'], true);
  assert.equal(s['io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1']!['x-kubernetes-preserve-unknown-fields'], true);

  const port = field(schemaFor('', 'v1', 'Service')!, 'spec');
  const targetPort = field(deref(field(port, 'ports').items!), 'targetPort');
  assert.deepEqual(targetPort.allOf, [{ $ref: `${REF_PREFIX}io.k8s.apimachinery.pkg.util.intstr.IntOrString` }]);
  const labels = field(field(schemaFor('', 'v1', 'Pod')!, 'metadata'), 'labels');
  assert.deepEqual([labels.type, labels.additionalProperties], ['object', { type: 'string' }]);
  const limits = field(s['io.k8s.api.core.v1.ResourceRequirements']!, 'limits');
  assert.deepEqual(limits.additionalProperties, { $ref: `${REF_PREFIX}io.k8s.apimachinery.pkg.api.resource.Quantity` });
  assert.equal(field(schemaFor('', 'v1', 'Event')!, 'eventTime').allOf?.[0]?.$ref, `${REF_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime`);
});
