// Test support: builds protobuf request bodies the way a Go client does (magic + runtime.Unknown),
// from kite's own message definitions. Go writes every non-pointer field, so callers list zero
// values explicitly where a Go client would send them.
import { PROTOBUF_MAGIC } from './decode.js';
import { protoRoot, unknownType } from './registry.js';

/** Encodes `object` as message `typeName` (full proto name) inside the Unknown envelope. */
export const encodeKubernetesProtobuf = (
  apiVersion: string,
  kind: string,
  typeName: string,
  object: Record<string, unknown>,
  envelope: { contentEncoding?: string; appendToRaw?: Uint8Array } = {},
): Buffer => {
  const type = protoRoot.lookupType(typeName);
  const problem = type.verify(object);
  if (problem) throw new Error(`${typeName}: ${problem}`);
  let raw: Uint8Array = type.encode(type.fromObject(object)).finish();
  if (envelope.appendToRaw) raw = Buffer.concat([raw, envelope.appendToRaw]);
  const unknown = unknownType.fromObject({
    typeMeta: { apiVersion, kind },
    raw,
    contentEncoding: envelope.contentEncoding ?? '',
    contentType: '',
  });
  return Buffer.concat([PROTOBUF_MAGIC, unknownType.encode(unknown).finish()]);
};

/** Proto package names, for typeName arguments. */
export const PKG = {
  core: 'k8s.io.api.core.v1',
  apps: 'k8s.io.api.apps.v1',
  batch: 'k8s.io.api.batch.v1',
  rbac: 'k8s.io.api.rbac.v1',
  authorization: 'k8s.io.api.authorization.v1',
  autoscaling: 'k8s.io.api.autoscaling.v1',
  policy: 'k8s.io.api.policy.v1',
  networking: 'k8s.io.api.networking.v1',
  meta: 'k8s.io.apimachinery.pkg.apis.meta.v1',
} as const;
