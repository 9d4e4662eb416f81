// One served resource: its definition, its registry (writes) and its watch cache (lists and
// watches), plus the list/watch query semantics (selectors, pagination, resourceVersion).
import { badRequest } from '../../apimachinery/errors.js';
import { DEFAULT_FIELD_LABELS, checkFieldSelector, parseFieldSelector } from '../../apimachinery/fields.js';
import { parseSelector } from '../../apimachinery/labels.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import type { Cacher } from '../../storage/cacher/cacher.js';
import type { ResourceVersionMatch } from '../../storage/cacher/types.js';
import type { GracePeriodFn } from './generic/delete.js';
import { listPrefix } from './generic/codec.js';
import type { RegistryStore } from './generic/registry-store.js';
import { type RequestContext, type ResourceDefinition, groupVersion } from './generic/resource.js';

export type ObjectPredicate = (obj: KubeObject) => boolean;

export interface ListResponse {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export class ServedResource {
  readonly def: ResourceDefinition;
  readonly registry: RegistryStore;
  readonly cache: Cacher<KubeObject>;
  /** Pods wait for their node; everything else is removed at once. */
  gracePeriod?: GracePeriodFn;
  /** Pods answer DELETE with the object; most resources with a Status. */
  returnDeletedObject = false;
  /** Virtual resources (access reviews) compute a response instead of storing. */
  createVirtual?: (ctx: RequestContext, obj: KubeObject) => Promise<KubeObject>;

  constructor(def: ResourceDefinition, registry: RegistryStore, cache: Cacher<KubeObject>) {
    this.def = def;
    this.registry = registry;
    this.cache = cache;
  }

  get apiVersion(): string {
    return groupVersion(this.def);
  }

  listPrefix(namespace: string): string {
    return listPrefix(this.def, namespace);
  }

  /** Builds the label + field selector predicate of a list or watch request. */
  predicate(query: URLSearchParams): ObjectPredicate | undefined {
    const labelText = query.get('labelSelector') ?? '';
    const fieldText = query.get('fieldSelector') ?? '';
    if (!labelText && !fieldText) return undefined;
    const labels = labelText ? parseOrBadRequest(() => parseSelector(labelText)) : null;
    const fields = fieldText ? parseOrBadRequest(() => parseFieldSelector(fieldText)) : null;
    if (fields) checkFieldSelector(fields, [...DEFAULT_FIELD_LABELS, ...Object.keys(this.def.selectableFields ?? {})]);
    return (obj) => (!labels || labels.matches(obj.metadata.labels ?? {})) && (!fields || fields.matches(this.fieldsOf(obj)));
  }

  /** Field selector values of an object. */
  fieldsOf(obj: KubeObject): Record<string, string> {
    const fields: Record<string, string> = { 'metadata.name': obj.metadata.name ?? '', 'metadata.namespace': obj.metadata.namespace ?? '' };
    for (const [path, get] of Object.entries(this.def.selectableFields ?? {})) fields[path] = get(obj);
    return fields;
  }

  async list(namespace: string, query: URLSearchParams): Promise<ListResponse> {
    const limitText = query.get('limit');
    const limit = limitText ? Number(limitText) : 0;
    if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: "${limitText}": must be a non-negative integer`);
    const predicate = this.predicate(query);
    const result = await this.cache.list({
      prefix: this.listPrefix(namespace),
      predicate: predicate ? (obj: KubeObject) => predicate(obj) : undefined,
      limit,
      continueToken: query.get('continue') ?? undefined,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      resourceVersionMatch: (query.get('resourceVersionMatch') ?? undefined) as ResourceVersionMatch | undefined,
    });
    return {
      items: result.items,
      resourceVersion: String(result.revision),
      ...(result.continueToken ? { continue: result.continueToken } : {}),
      ...(result.remainingItemCount !== undefined ? { remainingItemCount: result.remainingItemCount } : {}),
    };
  }
}

function parseOrBadRequest<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw badRequest(err instanceof Error ? err.message : String(err));
  }
}
