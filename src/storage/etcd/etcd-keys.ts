/// <reference types="node" />
// Kite keys <-> etcd keys: the configured prefix ("/registry") in front, as Kubernetes lays out etcd.
import type { IKeyValue } from 'etcd3';
import type { KeyValue } from '../store.js';

/** A view of a Buffer as a plain Uint8Array (no copy), so callers comparing values see one type. */
export const asBytes = (buf: Buffer): Uint8Array => new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
export const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** etcd's range_end for "every key starting with these bytes": the prefix with its last byte increased. */
export function byteRangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]); // etcd: "\0" as range_end means every key >= key
}

export class KeySpace {
  private readonly root: string;
  private readonly rootLength: number;

  /** Keys must start with "/" (like Kubernetes' /pods/ns/name), so prefixes "/a" and "/ab" stay apart. */
  constructor(prefix: string) {
    this.root = prefix.replace(/\/+$/, '');
    this.rootLength = Buffer.byteLength(this.root);
  }

  key(key: string): Buffer {
    if (!key.startsWith('/')) throw new TypeError(`store key must start with "/": ${JSON.stringify(key)}`);
    return Buffer.from(this.root + key);
  }

  /** The etcd range holding every key that starts with `prefix` ("" means every key of this store). */
  range(prefix: string, startKey?: string): { key: Buffer; range_end: Buffer } {
    if (prefix !== '' && !prefix.startsWith('/')) {
      throw new TypeError(`store prefix must be "" or start with "/": ${JSON.stringify(prefix)}`);
    }
    const from = Buffer.from(this.root + (prefix === '' ? '/' : prefix));
    const end = byteRangeEnd(from);
    if (startKey === undefined || startKey === '') return { key: from, range_end: end };
    const start = this.key(startKey);
    return { key: Buffer.compare(start, from) < 0 ? from : start, range_end: end };
  }

  decode(kv: IKeyValue): KeyValue {
    return {
      key: kv.key.subarray(this.rootLength).toString('utf8'),
      value: asBytes(kv.value),
      createRevision: Number(kv.create_revision),
      modRevision: Number(kv.mod_revision),
    };
  }
}
