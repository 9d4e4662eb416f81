import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../apimachinery/meta.js';
import type { KeyValue } from '../../../storage/store.js';
import { ObjectCodec, type ValueTransformer } from './codec.js';

const KEY = '/registry/configmaps/default/a';
const object = (): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data: { k: 'v' } }) as KubeObject;
const kvOf = (value: Uint8Array, modRevision: number): KeyValue => ({ key: KEY, value: Buffer.from(value), createRevision: modRevision, modRevision });

test('the watch cache gets the written object itself when the event carries the bytes it wrote', () => {
  const codec = new ObjectCodec();
  const written = object();
  const value = codec.encode(KEY, written);
  codec.handOver(KEY, value, written);
  const cached = codec.decodeForCache(kvOf(value, 7));
  assert.equal(cached, written);
  assert.equal(cached.metadata.resourceVersion, '7');
  // Taken once: the next event for the key is decoded.
  const again = codec.decodeForCache(kvOf(value, 8));
  assert.notEqual(again, written);
  assert.deepEqual(again, { ...written, metadata: { ...written.metadata, resourceVersion: '8' } });
});

test('other bytes under the key (a newer write) are decoded, never answered with the handed-over object', () => {
  const codec = new ObjectCodec();
  const written = object();
  codec.handOver(KEY, codec.encode(KEY, written), written);
  const other = { ...object(), data: { k: 'other' } } as KubeObject;
  const decoded = codec.decodeForCache(kvOf(codec.encode(KEY, other), 9));
  assert.notEqual(decoded, written);
  assert.deepEqual((decoded as unknown as { data: unknown }).data, { k: 'other' });
});

test('only the watch cache shares the object: decode() and a withdrawn write decode fresh copies', () => {
  const codec = new ObjectCodec();
  const written = object();
  const value = codec.encode(KEY, written);
  codec.handOver(KEY, value, written);
  const owned = codec.decode(kvOf(value, 3));
  assert.notEqual(owned, written);
  assert.deepEqual(owned, { ...written, metadata: { ...written.metadata, resourceVersion: '3' } });
  codec.withdraw(KEY);
  assert.notEqual(codec.decodeForCache(kvOf(value, 3)), written);
});

test('with a transformer the stored (transformed) bytes are what is compared', () => {
  const xor: ValueTransformer = {
    toStorage: (_key, plain) => Buffer.from(plain).map((b) => b ^ 0x5a),
    fromStorage: (_key, stored) => Buffer.from(stored).map((b) => b ^ 0x5a),
  };
  const codec = new ObjectCodec(xor);
  const written = object();
  const value = codec.encode(KEY, written);
  codec.handOver(KEY, value, written);
  assert.equal(codec.decodeForCache(kvOf(value, 4)), written);
  assert.deepEqual(codec.decode(kvOf(value, 4)), { ...written, metadata: { ...written.metadata, resourceVersion: '4' } });
});
