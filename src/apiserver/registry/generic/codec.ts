// How objects are laid out in the store: keys per resource and namespace, JSON values without
// resourceVersion (the store's modRevision is the resourceVersion, set on every read).
import type { KubeObject } from '../../../apimachinery/meta.js';
import type { KeyValue } from '../../../storage/store.js';
import type { ResourceDefinition } from './resource.js';

export const REGISTRY_ROOT = '/registry/';

/** "/registry/deployments.apps/" or "/registry/pods/" for the core group. */
export const resourcePrefix = (def: Pick<ResourceDefinition, 'group' | 'resource'>): string =>
  `${REGISTRY_ROOT}${def.group ? `${def.resource}.${def.group}` : def.resource}/`;

/** The prefix for a list: all namespaces when namespace is empty. */
export const listPrefix = (def: Pick<ResourceDefinition, 'group' | 'resource' | 'namespaced'>, namespace: string): string =>
  def.namespaced && namespace ? `${resourcePrefix(def)}${namespace}/` : resourcePrefix(def);

export const objectKey = (def: Pick<ResourceDefinition, 'group' | 'resource' | 'namespaced'>, namespace: string, name: string): string =>
  def.namespaced ? `${resourcePrefix(def)}${namespace}/${name}` : `${resourcePrefix(def)}${name}`;

/** Transforms values on their way to and from the store (encryption at rest plugs in here). */
export interface ValueTransformer {
  toStorage(key: string, plain: Uint8Array): Uint8Array;
  fromStorage(key: string, stored: Uint8Array): Uint8Array;
}

export const identityTransformer: ValueTransformer = {
  toStorage: (_key, plain) => plain,
  fromStorage: (_key, stored) => stored,
};

/** Written objects waiting for their watch event; a bound for writes whose event never comes. */
const MAX_HANDED_OVER = 4096;

export class ObjectCodec {
  readonly #transformer: ValueTransformer;
  /** By storage key: the object a write stored and the exact bytes it stored. */
  #handedOver = new Map<string, { value: Uint8Array; object: KubeObject }>();

  constructor(transformer: ValueTransformer = identityTransformer) {
    this.#transformer = transformer;
  }

  /**
   * The registry hands the object it is writing to the watch cache: when the write's event comes
   * back with the same bytes, decodeForCache() returns this object instead of parsing them again
   * (and the response and the watch events then share one serialization, see sharedJson).
   * From here on nobody may change `object` (the watch cache's contract).
   */
  handOver(key: string, value: Uint8Array, object: KubeObject): void {
    if (this.#handedOver.size >= MAX_HANDED_OVER) this.#handedOver = new Map();
    this.#handedOver.set(key, { value, object });
  }

  /** The write failed: no event will carry the object. */
  withdraw(key: string): void {
    this.#handedOver.delete(key);
  }

  /** decode() for the watch cache, the one reader that may share the written object. */
  decodeForCache(kv: KeyValue): KubeObject {
    const written = this.#handedOver.get(kv.key);
    if (written === undefined) return this.decode(kv);
    this.#handedOver.delete(kv.key);
    if (!samePlain(written.value, kv.value)) return this.decode(kv);
    written.object.metadata.resourceVersion = String(kv.modRevision);
    return written.object;
  }

  encode(key: string, obj: KubeObject): Uint8Array {
    return this.toStorage(key, this.encodePlain(obj));
  }

  /** The stored JSON before the transformer: the object without metadata.resourceVersion. */
  encodePlain(obj: KubeObject): Buffer {
    const { resourceVersion: _omit, ...metadata } = obj.metadata;
    return Buffer.from(JSON.stringify({ ...obj, metadata }));
  }

  toStorage(key: string, plain: Uint8Array): Uint8Array {
    return this.#transformer.toStorage(key, plain);
  }

  /** The stored JSON of a value, after the transformer (decryption). */
  plain(kv: KeyValue): Uint8Array {
    return this.#transformer.fromStorage(kv.key, kv.value);
  }

  decode(kv: KeyValue): KubeObject {
    return this.decodePlain(this.plain(kv), kv.modRevision);
  }

  decodePlain(plain: Uint8Array, modRevision: number): KubeObject {
    const obj = JSON.parse(Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength).toString('utf8')) as KubeObject;
    obj.metadata.resourceVersion = String(modRevision);
    return obj;
  }
}

/** Whether two stored JSON values are the same bytes (an update that changes nothing). */
export function samePlain(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
