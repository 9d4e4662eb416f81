// Maps what the etcd3 client throws (typed gRPC errors, raw stream errors) to StoreError codes.
import { ClientClosedError } from 'etcd3';
import { StoreError, isStoreError } from '../store.js';

const COMPACTED = 'required revision has been compacted';
const FUTURE = 'required revision is a future revision';
// etcd: "etcdserver: request is too large"; gRPC: "received message larger than max".
const TOO_LARGE = ['request is too large', 'larger than max'];

export const isCompactedMessage = (message: string): boolean => message.includes(COMPACTED);

/** True for errors from gRPC or etcd (which carry a numeric status code or a typed etcd3 class). */
function isTransportError(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' || /^(GRPC|Etcd)/.test(err.constructor.name) || err.name === 'BrokenCircuitError';
}

/**
 * Converts an etcd3 error into a StoreError. Errors that are neither etcd's nor the network's
 * (programming errors) are returned unchanged so they keep their stack.
 */
export function toStoreError(err: unknown, key?: string): unknown {
  if (isStoreError(err)) return err;
  if (err instanceof ClientClosedError) return new StoreError('Closed', 'etcd store is closed', { key, cause: err });
  if (!(err instanceof Error)) return err;
  const message = err.message;
  if (message.includes(COMPACTED)) {
    return new StoreError('Expired', `etcd: ${COMPACTED}`, { key, cause: err });
  }
  if (message.includes(FUTURE)) {
    // A revision etcd has not reached yet: transient from the caller's point of view (retry later).
    return new StoreError('Unavailable', `etcd: ${FUTURE}`, { key, cause: err });
  }
  if (TOO_LARGE.some((m) => message.includes(m))) {
    return new StoreError('TooLarge', `etcd rejected the request as too large: ${message}`, { key, cause: err });
  }
  if (isTransportError(err)) {
    return new StoreError('Unavailable', `etcd unavailable: ${message}`, { key, cause: err });
  }
  return err;
}
