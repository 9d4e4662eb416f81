// Malformed and unsupported bodies become Status errors; unknown fields are skipped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusError } from '../../apimachinery/errors.js';
import { decodeKubernetesProtobuf, isProtobufContentType, PROTOBUF_MAGIC } from './decode.js';
import { unknownType } from './registry.js';
import { encodeKubernetesProtobuf, PKG } from './testing.js';

const statusOf = (fn: () => unknown): StatusError => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, `expected a StatusError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
};

const envelopeOnly = (apiVersion: string, kind: string): Buffer =>
  Buffer.concat([PROTOBUF_MAGIC, unknownType.encode(unknownType.fromObject({ typeMeta: { apiVersion, kind }, raw: Buffer.alloc(0) })).finish()]);

describe('decodeKubernetesProtobuf errors', () => {
  it('rejects a body without the k8s\\0 prefix with 400', () => {
    const err = statusOf(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}')));
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.match(err.message, /expected prefix \[107 56 115 0\]/);
    assert.equal(statusOf(() => decodeKubernetesProtobuf(Buffer.from([0x6b, 0x38]))).code, 400);
  });

  it('rejects a truncated envelope with 400', () => {
    const body = encodeKubernetesProtobuf('v1', 'Namespace', `${PKG.core}.Namespace`, { metadata: { name: 'x' } });
    const err = statusOf(() => decodeKubernetesProtobuf(body.subarray(0, body.length - 3)));
    assert.equal(err.code, 400);
    assert.match(err.message, /unable to decode protobuf/);
  });

  it('rejects a truncated object inside a valid envelope with 400 naming the kind', () => {
    const raw = Buffer.from([0x0a, 0x10, 0x0a]); // metadata: length 16, but only 1 byte follows
    const body = Buffer.concat([PROTOBUF_MAGIC, unknownType.encode(unknownType.fromObject({ typeMeta: { apiVersion: 'v1', kind: 'Pod' }, raw })).finish()]);
    const err = statusOf(() => decodeKubernetesProtobuf(body));
    assert.equal(err.code, 400);
    assert.match(err.message, /unable to decode protobuf Pod/);
  });

  it('rejects an envelope without a kind with 400', () => {
    assert.equal(statusOf(() => decodeKubernetesProtobuf(envelopeOnly('v1', ''))).code, 400);
  });

  it('answers 415 naming the kind for kinds kite cannot decode, suggesting JSON', () => {
    const err = statusOf(() => decodeKubernetesProtobuf(envelopeOnly('apps/v1', 'StatefulSet')));
    assert.equal(err.code, 415);
    assert.equal(err.reason, 'UnsupportedMediaType');
    assert.match(err.message, /StatefulSet/);
    assert.match(err.message, /apps\/v1/);
    assert.match(err.message, /application\/json/);
    assert.equal(err.status.details?.kind, 'StatefulSet');
  });

  it('answers 415 for a known kind under an unknown version', () => {
    assert.equal(statusOf(() => decodeKubernetesProtobuf(envelopeOnly('apps/v1beta2', 'Deployment'))).code, 415);
  });

  it('answers 415 for a compressed inner object', () => {
    const body = encodeKubernetesProtobuf('v1', 'Namespace', `${PKG.core}.Namespace`, { metadata: { name: 'x' } }, { contentEncoding: 'gzip' });
    assert.equal(statusOf(() => decodeKubernetesProtobuf(body)).code, 415);
  });
});

describe('decodeKubernetesProtobuf tolerance', () => {
  it('skips fields kite does not define (newer API fields)', () => {
    // field 99, varint 7 and field 98, length-delimited "zz"
    const extra = Buffer.from([0x98, 0x06, 0x07, 0x92, 0x06, 0x02, 0x7a, 0x7a]);
    const body = encodeKubernetesProtobuf('v1', 'Namespace', `${PKG.core}.Namespace`, { metadata: { name: 'x' } }, { appendToRaw: extra });
    assert.deepEqual(decodeKubernetesProtobuf(body).object, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } });
  });

  it('decodes an empty object message to just apiVersion and kind', () => {
    assert.deepEqual(decodeKubernetesProtobuf(envelopeOnly('v1', 'ConfigMap')).object, { apiVersion: 'v1', kind: 'ConfigMap' });
  });
});

describe('isProtobufContentType', () => {
  it('matches the media type with or without parameters, case-insensitively', () => {
    assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf'), true);
    assert.equal(isProtobufContentType('Application/VND.Kubernetes.Protobuf; charset=utf-8'), true);
    assert.equal(isProtobufContentType('application/json'), false);
    assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf;stream=watch'), true);
    assert.equal(isProtobufContentType(undefined), false);
  });
});
