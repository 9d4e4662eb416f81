// Reading the objects a ServiceAccount token names (its account, bound pod/secret/node) from the
// API server's own watch caches: the apiserver may read its own storage, and authentication must
// not cost a store round trip per request.
import type { KubeObject } from '../../apimachinery/meta.js';
import type { ServedResource } from '../registry/served-resource.js';

export type BoundKind = 'ServiceAccount' | 'Pod' | 'Secret' | 'Node';

export interface BoundObjectGetter {
  /**
   * The object, or null when it does not exist. `fresh` asks for the latest state (a consistent read)
   * rather than whatever the watch cache holds, which may lag a write by a moment.
   */
  get(kind: BoundKind, namespace: string, name: string, fresh?: boolean): Promise<KubeObject | null>;
}

const RESOURCES: Record<BoundKind, string> = { ServiceAccount: 'serviceaccounts', Pod: 'pods', Secret: 'secrets', Node: 'nodes' };

/** A getter over the served core resources (`lookup` is ServedResources.get). */
export function servedObjectGetter(lookup: (group: string, resource: string) => ServedResource): BoundObjectGetter {
  return {
    async get(kind, namespace, name, fresh = false) {
      const served = lookup('', RESOURCES[kind]);
      return served.cache.get(served.registry.keyFor(namespace, name), { resourceVersion: fresh ? '' : '0' });
    },
  };
}

/**
 * The object as the token needs it: from the cache when it has the expected uid, else from a
 * consistent read (Kubernetes' getter, too, falls back to a live lookup when its lister misses).
 */
export async function currentObject(objects: BoundObjectGetter, kind: BoundKind, namespace: string, name: string, uid: string | undefined): Promise<KubeObject | null> {
  const cached = await objects.get(kind, namespace, name, false);
  if (cached && cached.metadata.uid === uid) return cached;
  return objects.get(kind, namespace, name, true);
}
