// What a resource supplies to the generic registry: its names, its strategy (the decisions),
// its table columns and selectable fields. The generic registry owns the order of steps.
import type { KubeObject } from '../../../apimachinery/meta.js';
import type { ErrorList } from '../../../apimachinery/field.js';
import type { NameValidator } from '../../../apimachinery/names.js';
import type { UserInfo } from '../../authn/user.js';

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description?: string;
  /** 0: always shown; 1: only with -o wide. */
  priority?: number;
}

export type TableCell = string | number | boolean | null;

export interface TableDefinition<T extends KubeObject = KubeObject> {
  /** Columns after NAME; the Name column is added by the registry. */
  columns: TableColumn[];
  cells(obj: T, now: number): TableCell[];
  /** The NAME cell when it is not just metadata.name (StorageClass: "standard (default)"). */
  name?(obj: T): string;
  /** Where NAME goes: first (default), or last and only with -o wide (Events). */
  namePosition?: 'first' | 'last-wide';
}

/** A request's context, passed to strategies and admission. */
export interface RequestContext {
  user: UserInfo;
  namespace: string;
  dryRun: boolean;
  fieldManager?: string;
}

export interface Strategy<T extends KubeObject = KubeObject> {
  /** Clear status, set generation, apply defaults before validation. */
  prepareForCreate(obj: T, ctx: RequestContext): void;
  /** Keep what the caller may not change (status on the main resource, spec on /status). */
  prepareForUpdate(obj: T, old: T, ctx: RequestContext): void;
  validate(obj: T, ctx: RequestContext): ErrorList;
  validateUpdate(obj: T, old: T, ctx: RequestContext): ErrorList;
  /** Warnings returned in the Warning header (e.g. deprecated fields). */
  warnings?(obj: T, old: T | undefined): string[];
  /** PUT of a missing object creates it (Kubernetes: true for a few kinds like Node, Lease, Event). */
  allowCreateOnUpdate?: boolean;
  /** PUT without metadata.resourceVersion is allowed (last write wins). */
  allowUnconditionalUpdate?: boolean;
}

export interface ScaleSubresource {
  /** Dotted paths inside the object. */
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface ResourceDefinition<T extends KubeObject = KubeObject> {
  group: string;
  version: string;
  kind: string;
  /** Plural, lowercase: "deployments". */
  resource: string;
  singular: string;
  shortNames?: string[];
  categories?: string[];
  namespaced: boolean;
  /** Verbs served; defaults to the full CRUD set. */
  verbs?: string[];
  strategy: Strategy<T>;
  /** How metadata.name is validated (default: DNS-1123 subdomain). */
  nameValidator?: NameValidator;
  /** The status subresource's strategy (the main one with spec kept instead of status). */
  statusStrategy?: Strategy<T>;
  /** Strategies of other writable subresources served by PUT (namespaces/finalize). */
  subresourceStrategies?: Record<string, Strategy<T>>;
  scale?: ScaleSubresource;
  table?: TableDefinition<T>;
  /** Field selectors beyond metadata.name and metadata.namespace: field path -> value getter. */
  selectableFields?: Record<string, (obj: T) => string>;
  /** Subresources served by special handlers (pods/log, pods/exec, pods/binding, ...), for discovery. */
  extraSubresources?: { name: string; group: string; version: string; kind: string; verbs: string[] }[];
  /** Something besides metadata.finalizers that keeps a deleted object (namespaces: spec.finalizers). */
  deletionHold?: { holds(obj: T): boolean; markDeleting(obj: T): void };
  /** A virtual resource (reviews): create only, never stored. */
  virtual?: boolean;
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const groupVersion = (def: { group: string; version: string }): string =>
  def.group ? `${def.group}/${def.version}` : def.version;

export function defineResource<T extends KubeObject>(def: ResourceDefinition<T>): ResourceDefinition<T> {
  // Checked once at boot: a bad definition should fail loudly then, not on the first request.
  if (!/^[a-z][a-z0-9]*$/.test(def.resource)) throw new Error(`resource name ${def.resource} must be lowercase plural`);
  if (!/^[A-Z][A-Za-z0-9]*$/.test(def.kind)) throw new Error(`kind ${def.kind} must be CamelCase`);
  if (def.group !== def.group.toLowerCase()) throw new Error(`group ${def.group} must be lowercase`);
  return def;
}
