// Value-type conversions and the zero/pointer rules of messageToJson, on messages decoded by protobufjs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { protoRoot } from './registry.js';
import { metaProto, quantityProto, valueTypesProto } from './schema/meta.js';
import { messageToJson } from './to-json.js';

/** Encodes with protobufjs, decodes again (as the server sees it), converts. */
const roundTrip = (type: protobuf.Type, object: Record<string, unknown>) => {
  const decoded = type.decode(type.encode(type.fromObject(object)).finish()) as unknown as Record<string, unknown>;
  return { decoded, json: messageToJson(type, decoded) };
};

const type = (name: string): protobuf.Type => protoRoot.lookupType(name);

describe('messageToJson value types', () => {
  const meta = type('k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta');

  it('Time: RFC 3339 in UTC with whole seconds; the zero time is dropped', () => {
    const { json } = roundTrip(meta, { creationTimestamp: { seconds: 1735689599, nanos: 999_999_999 }, deletionTimestamp: {} });
    assert.deepEqual(json, { creationTimestamp: '2024-12-31T23:59:59Z' });
    assert.deepEqual(roundTrip(meta, { creationTimestamp: { seconds: 0, nanos: 0 } }).json, {});
    assert.deepEqual(roundTrip(meta, { creationTimestamp: { seconds: -86400 } }).json, { creationTimestamp: '1969-12-31T00:00:00Z' });
  });

  it('int64: plain numbers, beyond 32 bits too', () => {
    const { decoded, json } = roundTrip(meta, { generation: 2 ** 40 + 5, deletionGracePeriodSeconds: 30 });
    assert.equal(typeof decoded.generation, 'object', 'protobufjs gives a Long here');
    assert.deepEqual(json, { generation: 2 ** 40 + 5, deletionGracePeriodSeconds: 30 });
  });

  it('MicroTime: six fraction digits', () => {
    const root = new protobuf.Root();
    for (const text of [valueTypesProto, quantityProto, metaProto]) protobuf.parse(text, root, { keepCase: true });
    protobuf.parse('syntax = "proto2"; package t; message Event { optional .k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime eventTime = 1; }', root, { keepCase: true });
    root.resolveAll();
    const { json } = roundTrip(root.lookupType('t.Event'), { eventTime: { seconds: 1700000000, nanos: 123_456_789 } });
    assert.deepEqual(json, { eventTime: '2023-11-14T22:13:20.123456Z' });
  });

  it('IntOrString: number or string; a pointer keeps 0 and "", a value drops them', () => {
    const rolling = type('k8s.io.api.apps.v1.RollingUpdateDeployment');
    assert.deepEqual(roundTrip(rolling, { maxUnavailable: { type: 0, intVal: 0 }, maxSurge: { type: 1, strVal: '' } }).json, { maxUnavailable: 0, maxSurge: '' });
    assert.deepEqual(roundTrip(rolling, { maxUnavailable: { type: 1, strVal: '10%' }, maxSurge: { type: 0, intVal: -1 } }).json, { maxUnavailable: '10%', maxSurge: -1 });
    const svcPort = type('k8s.io.api.core.v1.ServicePort');
    assert.deepEqual(roundTrip(svcPort, { port: 0, targetPort: { type: 1, intVal: 0, strVal: '' } }).json, { port: 0 });
  });

  it('Quantity maps; zero Time values in maps become null as in Go', () => {
    const pdbStatus = type('k8s.io.api.policy.v1.PodDisruptionBudgetStatus');
    const { json } = roundTrip(pdbStatus, { disruptedPods: { a: { seconds: 1700000000 }, b: {} }, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 0, expectedPods: 0 });
    assert.deepEqual(json, { disruptedPods: { a: '2023-11-14T22:13:20Z', b: null }, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 0, expectedPods: 0 });
    const req = type('k8s.io.api.core.v1.ResourceRequirements');
    assert.deepEqual(roundTrip(req, { limits: { 'nvidia.com/gpu': { string: '1' } }, requests: {} }).json, { limits: { 'nvidia.com/gpu': '1' } });
  });

  it('JSON names that differ from proto names (BoundObjectReference.uID → uid)', () => {
    const ref = type('k8s.io.api.authentication.v1.BoundObjectReference');
    assert.deepEqual(roundTrip(ref, { kind: 'Pod', apiVersion: 'v1', name: 'p', uID: 'u-1' }).json, { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u-1' });
  });
});

describe('messageToJson zero rules', () => {
  it('the wire carries zero non-pointer fields, and they are dropped', () => {
    const spec = type('k8s.io.api.apps.v1.DeploymentSpec');
    const { decoded, json } = roundTrip(spec, { minReadySeconds: 0, paused: false, replicas: 0 });
    assert.ok(Object.prototype.hasOwnProperty.call(decoded, 'minReadySeconds'), 'zero was on the wire');
    assert.ok(Object.prototype.hasOwnProperty.call(decoded, 'paused'), 'false was on the wire');
    assert.deepEqual(json, { replicas: 0 });
  });

  it('pointer scalars keep 0, false and ""', () => {
    const sc = type('k8s.io.api.core.v1.SecurityContext');
    assert.deepEqual(roundTrip(sc, { runAsUser: 0, runAsGroup: 0, privileged: false, readOnlyRootFilesystem: false, procMount: '' }).json, {
      runAsUser: 0,
      runAsGroup: 0,
      privileged: false,
      readOnlyRootFilesystem: false,
      procMount: '',
    });
  });

  it('fields without omitempty keep zero values (ContainerPort.containerPort, Container.name)', () => {
    const c = type('k8s.io.api.core.v1.Container');
    assert.deepEqual(roundTrip(c, { name: '', image: '', ports: [{ containerPort: 0, hostPort: 0, name: '' }] }).json, { name: '', ports: [{ containerPort: 0 }] });
  });

  it('list items and map values are never dropped, empty lists and maps are', () => {
    const c = type('k8s.io.api.core.v1.Container');
    assert.deepEqual(roundTrip(c, { name: 'c', args: ['', '0'], command: [] }).json, { name: 'c', args: ['', '0'] });
    const ps = type('k8s.io.api.core.v1.PodSecurityContext');
    assert.deepEqual(roundTrip(ps, { supplementalGroups: [0, 5] }).json, { supplementalGroups: [0, 5] });
    const meta = type('k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.deepEqual(roundTrip(meta, { labels: { a: '' }, annotations: {} }).json, { labels: { a: '' } });
  });

  it('nested structs stay even when empty, as Go prints them', () => {
    const c = type('k8s.io.api.core.v1.Container');
    assert.deepEqual(roundTrip(c, { name: 'c', resources: {}, securityContext: {} }).json, { name: 'c', resources: {}, securityContext: {} });
  });
});
