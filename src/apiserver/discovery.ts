// API discovery in both forms kubectl understands: aggregated (apidiscovery.k8s.io/v2, one
// request for everything) and legacy (APIVersions, APIGroupList, APIResourceList per version).
import type { IncomingMessage } from 'node:http';
import { type ResourceDefinition, ALL_VERBS, groupVersion } from './registry/generic/resource.js';

export interface SubresourceInfo {
  name: string;
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

/** Subresources a definition serves: status and scale from its definition, plus extras (pods/log, ...). */
export function subresourcesOf(def: ResourceDefinition): SubresourceInfo[] {
  const subs: SubresourceInfo[] = [];
  if (def.statusStrategy) subs.push({ name: 'status', group: def.group, version: def.version, kind: def.kind, verbs: ['get', 'patch', 'update'] });
  if (def.scale) subs.push({ name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
  for (const extra of def.extraSubresources ?? []) subs.push(extra);
  return subs;
}

interface GroupVersions {
  group: string;
  versions: Map<string, ResourceDefinition[]>;
}

export class Discovery {
  readonly #groups: GroupVersions[] = [];

  constructor(defs: ResourceDefinition[]) {
    for (const def of defs) {
      let g = this.#groups.find((x) => x.group === def.group);
      if (!g) {
        g = { group: def.group, versions: new Map() };
        this.#groups.push(g);
      }
      const list = g.versions.get(def.version) ?? [];
      list.push(def);
      g.versions.set(def.version, list);
    }
  }

  /** Group names in the order served, core ("") first. */
  get groupNames(): string[] {
    return this.#groups.map((g) => g.group);
  }

  resourcesOf(group: string, version: string): ResourceDefinition[] | undefined {
    return this.#groups.find((g) => g.group === group)?.versions.get(version);
  }

  aggregated(core: boolean, apiVersion: 'v2' | 'v2beta1'): unknown {
    const groups = this.#groups.filter((g) => (g.group === '') === core);
    return {
      kind: 'APIGroupDiscoveryList',
      apiVersion: `apidiscovery.k8s.io/${apiVersion}`,
      metadata: {},
      items: groups.map((g) => ({
        metadata: { name: g.group, creationTimestamp: null },
        versions: [...g.versions.entries()].map(([version, defs]) => ({
          version,
          freshness: 'Current',
          resources: defs.map((def) => ({
            resource: def.resource,
            responseKind: { group: def.group, version: def.version, kind: def.kind },
            scope: def.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: def.singular,
            verbs: def.verbs ?? ALL_VERBS,
            ...(def.shortNames?.length ? { shortNames: def.shortNames } : {}),
            ...(def.categories?.length ? { categories: def.categories } : {}),
            ...(subresourcesOf(def).length
              ? {
                  subresources: subresourcesOf(def).map((s) => ({
                    subresource: s.name,
                    responseKind: { group: s.group, version: s.version, kind: s.kind },
                    verbs: s.verbs,
                  })),
                }
              : {}),
          })),
        })),
      })),
    };
  }

  apiVersions(serverAddress: string): unknown {
    return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }

  #apiGroup(g: GroupVersions): unknown {
    const versions = [...g.versions.keys()].map((v) => ({ groupVersion: `${g.group}/${v}`, version: v }));
    return { name: g.group, versions, preferredVersion: versions[0] };
  }

  apiGroupList(): unknown {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: this.#groups.filter((g) => g.group !== '').map((g) => this.#apiGroup(g)) };
  }

  apiGroup(group: string): unknown | undefined {
    const g = this.#groups.find((x) => x.group === group && group !== '');
    return g ? { kind: 'APIGroup', apiVersion: 'v1', ...(this.#apiGroup(g) as object) } : undefined;
  }

  apiResourceList(group: string, version: string): unknown | undefined {
    const defs = this.resourcesOf(group, version);
    if (!defs) return undefined;
    const resources: unknown[] = [];
    for (const def of defs) {
      resources.push({
        name: def.resource,
        singularName: def.singular,
        namespaced: def.namespaced,
        kind: def.kind,
        verbs: def.verbs ?? ALL_VERBS,
        ...(def.shortNames?.length ? { shortNames: def.shortNames } : {}),
        ...(def.categories?.length ? { categories: def.categories } : {}),
      });
      for (const s of subresourcesOf(def)) {
        resources.push({
          name: `${def.resource}/${s.name}`,
          singularName: '',
          namespaced: def.namespaced,
          ...(s.group !== def.group ? { group: s.group } : {}),
          ...(s.version !== def.version ? { version: s.version } : {}),
          kind: s.kind,
          verbs: s.verbs,
        });
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
  }
}

/** Which aggregated discovery version the client accepts, if any. */
export function acceptsAggregated(req: IncomingMessage): 'v2' | 'v2beta1' | undefined {
  const accept = req.headers.accept ?? '';
  for (const part of accept.split(',')) {
    const params = part.split(';').map((s) => s.trim());
    if (!params.includes('g=apidiscovery.k8s.io') || !params.includes('as=APIGroupDiscoveryList')) continue;
    if (params.includes('v=v2')) return 'v2';
    if (params.includes('v=v2beta1')) return 'v2beta1';
  }
  return undefined;
}

export const aggregatedContentType = (v: 'v2' | 'v2beta1'): string => `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
