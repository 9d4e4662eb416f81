// resourceVersion handling on cached objects. Cached objects are shared by every reader, so they
// are changed only once, right after decoding; later changes go to shallow copies.
import type { CacheableObject } from './types.js';

/** Sets metadata.resourceVersion in place; only for freshly decoded objects. */
export function setResourceVersion<T extends CacheableObject>(obj: T, revision: number): T {
  const meta = (obj.metadata ??= {});
  meta.resourceVersion = String(revision);
  return obj;
}

/** A shallow copy with its own metadata carrying this resourceVersion. */
export function withResourceVersion<T extends CacheableObject>(obj: T, revision: number): T {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}
