// Decodes a Kubernetes protobuf request body (Content-Type application/vnd.kubernetes.protobuf) into
// the JSON object the rest of the apiserver works with. kubectl 1.32 sends these on every typed-client
// create/update (KUBECTL-WIRE.md §1.2).
//
// Wire format: the 4 bytes "k8s\0", then a runtime.Unknown whose typeMeta names the apiVersion/kind
// and whose raw field holds the object message (without TypeMeta).
import protobuf from 'protobufjs';
import { StatusError, badRequest } from '../../apimachinery/errors.js';
import { messageTypeFor, unknownType } from './registry.js';
import { messageToJson, type JsonObject } from './to-json.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** The prefix every Kubernetes protobuf body starts with. */
export const PROTOBUF_MAGIC: Readonly<Buffer> = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export interface DecodedProtobuf {
  apiVersion: string;
  kind: string;
  /** The object as JSON, with apiVersion and kind set. */
  object: JsonObject;
}

/** True for a Content-Type naming the Kubernetes protobuf media type (parameters allowed). */
export const isProtobufContentType = (contentType: string | undefined): boolean =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase() === PROTOBUF_CONTENT_TYPE;

const hasMagic = (body: Buffer): boolean => body.length >= PROTOBUF_MAGIC.length && body.subarray(0, 4).equals(PROTOBUF_MAGIC);

const decodeMessage = (type: protobuf.Type, bytes: Uint8Array, what: string): Record<string, unknown> => {
  try {
    return type.decode(bytes) as unknown as Record<string, unknown>;
  } catch (err) {
    throw badRequest(`unable to decode protobuf ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
};

/** The 415 for a kind kite has no protobuf definition for. */
const unsupportedKind = (apiVersion: string, kind: string): StatusError =>
  new StatusError(
    415,
    'UnsupportedMediaType',
    `kite cannot decode ${kind} (apiVersion "${apiVersion}") from application/vnd.kubernetes.protobuf; ` +
      `send it as application/json instead (for example with "kubectl apply -f" or "kubectl create -f")`,
    { kind },
  );

/**
 * Decodes a protobuf request body.
 * @throws StatusError 400 for a body that is not a Kubernetes protobuf message, 415 for a kind
 *   kite cannot decode from protobuf or a compressed inner object.
 */
export const decodeKubernetesProtobuf = (body: Buffer): DecodedProtobuf => {
  if (!hasMagic(body)) {
    throw badRequest(
      `provided data does not appear to be a protobuf message, expected prefix [${[...PROTOBUF_MAGIC].join(' ')}]`,
    );
  }
  const unknown = decodeMessage(unknownType, body.subarray(PROTOBUF_MAGIC.length), 'envelope (runtime.Unknown)');
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  if (!kind) throw badRequest('protobuf body has no kind in its type metadata');
  const encoding = String(unknown.contentEncoding ?? '');
  if (encoding !== '') {
    throw new StatusError(415, 'UnsupportedMediaType', `protobuf body uses content encoding "${encoding}", which kite does not support`);
  }
  const type = messageTypeFor(apiVersion, kind);
  if (!type) throw unsupportedKind(apiVersion, kind);
  const raw = (unknown.raw as Uint8Array | undefined) ?? new Uint8Array();
  const object = messageToJson(type, decodeMessage(type, raw, kind));
  return { apiVersion, kind, object: { apiVersion, kind, ...object } };
};
