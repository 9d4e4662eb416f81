import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, comparePE, fieldPE, keyPE, parsePE, pathString, serializePE } from './fieldpath.js';

const f = fieldPE;

test('path elements serialize as in FieldsV1 and parse back', () => {
  const cases: [ReturnType<typeof parsePE>, string][] = [
    [f('spec'), 'f:spec'],
    [keyPE({ protocol: 'TCP', containerPort: 80 }), 'k:{"containerPort":80,"protocol":"TCP"}'],
    [{ value: 'foo.example.com/finalizer' }, 'v:"foo.example.com/finalizer"'],
    [{ value: 42 }, 'v:42'],
    [{ index: 3 }, 'i:3'],
    [keyPE({ name: 'a<b' }), 'k:{"name":"a\\u003cb"}'],
  ];
  for (const [pe, text] of cases) {
    assert.equal(serializePE(pe), text);
    assert.equal(serializePE(parsePE(text)), text);
  }
  assert.throws(() => parsePE('x'), /missing colon/);
  assert.throws(() => parsePE('q:1'), /unknown path element type/);
});

test('path strings as apply conflicts print them', () => {
  assert.equal(pathString([f('spec'), f('replicas')]), '.spec.replicas');
  assert.equal(pathString([f('spec'), f('containers'), keyPE({ name: 'nginx' }), f('image')]), '.spec.containers[name="nginx"].image');
  assert.equal(pathString([f('ports'), keyPE({ containerPort: 80, protocol: 'TCP' })]), '.ports[containerPort=80,protocol="TCP"]');
  assert.equal(pathString([f('metadata'), f('finalizers'), { value: 'x' }]), '.metadata.finalizers[="x"]');
  assert.equal(pathString([f('args'), { index: 0 }]), '.args[0]');
});

test('path element order: fields, keys, values, indices', () => {
  const pes = [{ index: 1 }, { value: 'b' }, keyPE({ name: 'b' }), f('b'), { value: 2 }, keyPE({ name: 'a' }), f('a'), { value: true }];
  const sorted = [...pes].sort(comparePE).map(serializePE);
  assert.deepEqual(sorted, ['f:a', 'f:b', 'k:{"name":"a"}', 'k:{"name":"b"}', 'v:2', 'v:"b"', 'v:true', 'i:1']);
});

test('set operations: union, difference, intersection, recursiveDifference', () => {
  const a = FieldSet.of([f('spec'), f('replicas')], [f('spec'), f('template'), f('x')], [f('metadata'), f('labels'), f('app')]);
  const b = FieldSet.of([f('spec'), f('replicas')], [f('status')]);
  assert.ok(a.has([f('spec'), f('replicas')]));
  assert.ok(!a.has([f('spec')]), 'a parent is not a member by itself');
  assert.deepEqual(a.intersection(b).paths().map(pathString), ['.spec.replicas']);
  assert.deepEqual(a.difference(b).paths().map(pathString), ['.metadata.labels.app', '.spec.template.x']);
  assert.deepEqual(a.union(b).paths().map(pathString), ['.status', '.metadata.labels.app', '.spec.replicas', '.spec.template.x']);
  assert.deepEqual(a.recursiveDifference(FieldSet.of([f('spec')])).paths().map(pathString), ['.metadata.labels.app']);
  assert.ok(a.difference(a).isEmpty());
  assert.ok(a.equals(a.clone()));
  assert.ok(!a.equals(b));
});

test('FieldsV1 encoding: members are {}, members with children get ".": {}', () => {
  const s = FieldSet.of(
    [f('metadata'), f('labels')],
    [f('metadata'), f('labels'), f('app')],
    [f('spec'), f('containers'), keyPE({ name: 'nginx' })],
    [f('spec'), f('containers'), keyPE({ name: 'nginx' }), f('image')],
    [f('spec'), f('replicas')],
    [f('metadata'), f('finalizers'), { value: 'a' }],
  );
  const v1 = s.toFieldsV1();
  assert.deepEqual(v1, {
    'f:metadata': { 'f:finalizers': { 'v:"a"': {} }, 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {} } }, 'f:replicas': {} },
  });
  assert.deepEqual(Object.keys(v1['f:spec'] as object), ['f:containers', 'f:replicas'], 'keys in PathElement order');
  const back = FieldSet.fromFieldsV1(JSON.parse(JSON.stringify(v1)));
  assert.ok(back.equals(s));
});

test('FieldsV1 decoding drops unknown element kinds and rejects malformed input', () => {
  const s = FieldSet.fromFieldsV1({ 'f:a': {}, 'z:future': {}, 'f:b': { 'z:x': {} } });
  assert.deepEqual(s.paths().map(pathString), ['.a', '.b']);
  assert.throws(() => FieldSet.fromFieldsV1([]));
  assert.throws(() => FieldSet.fromFieldsV1({ 'f:a': 1 }));
  assert.throws(() => FieldSet.fromFieldsV1({ 'k:notjson': {} }));
});
