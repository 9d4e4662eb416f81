// Which objects a node may reach: those used by the pods bound to it (spec.nodeName), and the
// PersistentVolumes bound to their claims. Answered from the API server's watch caches on each
// question rather than from an incrementally kept graph as Kubernetes does: kite's clusters are
// small, and a cache scan of the pods is a few microseconds per pod.
import type { KubeObject } from '../../../apimachinery/meta.js';
import { podReferences } from './pod-references.js';

export type NodeObjectKind = 'secret' | 'configmap' | 'persistentvolumeclaim' | 'persistentvolume' | 'serviceaccount';

export interface NodeGraphSource {
  /** The pods whose spec.nodeName is `nodeName` (from the watch cache; `fresh`: after a consistent read). */
  podsOnNode(nodeName: string, fresh: boolean): Promise<KubeObject[]>;
  /** A PersistentVolumeClaim, or null. */
  claim(namespace: string, name: string): Promise<KubeObject | null>;
}

export class NodeGraph {
  constructor(readonly source: NodeGraphSource) {}

  /** Whether a pod on `nodeName` uses the object (for a PV: through one of its claims). */
  async related(nodeName: string, kind: NodeObjectKind, namespace: string, name: string): Promise<boolean> {
    // The cache as it is first; only a miss pays for a consistent read (a pod bound a moment ago).
    return (await this.#related(nodeName, kind, namespace, name, false)) || this.#related(nodeName, kind, namespace, name, true);
  }

  async #related(nodeName: string, kind: NodeObjectKind, namespace: string, name: string, fresh: boolean): Promise<boolean> {
    const pods = await this.source.podsOnNode(nodeName, fresh);
    if (kind === 'persistentvolume') {
      for (const pod of pods) {
        for (const claimName of podReferences(pod).claims) {
          const claim = await this.source.claim(pod.metadata.namespace ?? '', claimName);
          if ((claim?.spec as { volumeName?: string } | undefined)?.volumeName === name) return true;
        }
      }
      return false;
    }
    return pods.some((pod) => {
      if ((pod.metadata.namespace ?? '') !== namespace) return false;
      const refs = podReferences(pod);
      switch (kind) {
        case 'secret': return refs.secrets.has(name);
        case 'configmap': return refs.configMaps.has(name);
        case 'persistentvolumeclaim': return refs.claims.has(name);
        case 'serviceaccount': return refs.serviceAccount === name;
      }
      return false;
    });
  }
}

interface ServedLike {
  cache: { list(opts: { predicate?: (obj: KubeObject) => boolean; resourceVersion?: string }): Promise<{ items: KubeObject[] }>; get(key: string, opts?: { resourceVersion?: string }): Promise<KubeObject | null> };
  registry: { keyFor(namespace: string, name: string): string };
}

/** The graph's source over the API server's own watch caches (`lookup` is ServedResources.get). */
export function servedNodeGraphSource(lookup: (group: string, resource: string) => ServedLike): NodeGraphSource {
  return {
    async podsOnNode(nodeName, fresh) {
      const pods = lookup('', 'pods');
      const { items } = await pods.cache.list({ predicate: (p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === nodeName, resourceVersion: fresh ? '' : '0' });
      return items;
    },
    async claim(namespace, name) {
      const claims = lookup('', 'persistentvolumeclaims');
      return claims.cache.get(claims.registry.keyFor(namespace, name), { resourceVersion: '0' });
    },
  };
}
