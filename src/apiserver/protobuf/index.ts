// Decoding of Kubernetes protobuf request bodies (see decode.ts).
export {
  decodeKubernetesProtobuf,
  isProtobufContentType,
  PROTOBUF_CONTENT_TYPE,
  PROTOBUF_MAGIC,
  type DecodedProtobuf,
} from './decode.js';
export { protobufKinds } from './registry.js';
export type { JsonObject, JsonValue } from './to-json.js';
