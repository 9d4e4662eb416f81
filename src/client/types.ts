// The contract every component outside the apiserver uses to talk to the API: one `Client`
// interface, implemented by the HTTPS client (rest-client.ts, also used in-process over a Unix
// socket, see in-process.ts) and by the in-memory fake (fake/fake-client.ts) for unit tests.
import type { Status } from '../apimachinery/errors.js';
import type { ObjectMeta } from '../apimachinery/meta.js';
import type { ResourceClient } from './typed.js';

/** A resource as the API addresses it: where it lives and whether it is namespaced. */
export interface ResourceType {
  /** "" for the core group. */
  group: string;
  version: string;
  /** Plural, lower case: "pods", "deployments". */
  resource: string;
  namespaced: boolean;
  /** The object kind ("Pod"); lets informers fill in kind/apiVersion on list items, which may omit them. */
  kind?: string;
}

/**
 * The metadata fields the client layer reads. Narrower than apimachinery's ObjectMeta (no
 * managedFields) so that both kite's own types and kubernetes-types' satisfy it.
 */
export type ClientObjectMeta = Omit<ObjectMeta, 'managedFields'>;

/** What the client needs to know about any object it reads or writes. */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ClientObjectMeta;
}

export interface ObjectList<T> {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  /** "" (or absent): a consistent read; "0": any cached state; "N": at least as new as N. */
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  /** Follow metadata.continue until the list is complete and return one list (client-go's pager). */
  allPages?: boolean;
  signal?: AbortSignal;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export type WatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: T }
  | { type: 'ERROR'; object: Status };

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Where the watch starts: "" or "0" sends the current objects as ADDED first. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** The server ends the watch after this long (a normal close; watch again from the last resourceVersion). */
  timeoutSeconds?: number;
  /** Stops the watch (same as Watch.stop()). */
  signal?: AbortSignal;
  /**
   * Callback mode: every event is handed to this function as it arrives, and the Watch's
   * async iterator is not used. Without it, iterate the Watch.
   */
  onEvent?: (event: WatchEvent<unknown>) => void;
}

/**
 * An open watch. Iterate it (`for await (const ev of watch)`) or pass `onEvent`; the iteration
 * ends when the server closes the stream or stop() is called, and throws if the connection
 * failed or a line could not be decoded.
 */
export interface Watch<T> extends AsyncIterable<WatchEvent<T>> {
  stop(): void;
  /** Resolves when the stream has ended: undefined for a clean end or stop(), the error otherwise. */
  readonly ended: Promise<Error | undefined>;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** "status", "scale", "binding", "eviction", ... */
  subresource?: string;
  signal?: AbortSignal;
}

export interface CreateOptions extends WriteOptions {
  /**
   * The parent object's name, for subresources created by POST (pods/NAME/binding,
   * pods/NAME/eviction); defaults to the body's metadata.name, as client-go's Bind does.
   */
  name?: string;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface PatchOptions extends WriteOptions {
  /** Apply patches only: take ownership of conflicting fields. */
  force?: boolean;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface GetOptions {
  /** "status", "scale", "log", ...; a non-JSON answer (logs) is returned as a string. */
  subresource?: string;
  /** Extra query parameters (e.g. container, tailLines for logs). */
  query?: Record<string, string | number | boolean | undefined>;
  resourceVersion?: string;
  signal?: AbortSignal;
}

/**
 * The API as every controller, the scheduler and the agent see it. `namespace` is the
 * object's namespace; pass undefined (or "") for cluster-scoped resources, or to list and
 * watch a namespaced resource across all namespaces.
 */
export interface Client {
  get<T = ApiObject>(type: ResourceType, namespace: string | undefined, name: string, opts?: GetOptions): Promise<T>;
  list<T = ApiObject>(type: ResourceType, namespace: string | undefined, opts?: ListOptions): Promise<ObjectList<T>>;
  create<T = ApiObject>(type: ResourceType, namespace: string | undefined, obj: T, opts?: CreateOptions): Promise<T>;
  /** PUT of the whole object; its metadata.resourceVersion makes it a compare-and-swap. */
  update<T = ApiObject>(type: ResourceType, namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T>;
  /** PUT to the status subresource. */
  updateStatus<T = ApiObject>(type: ResourceType, namespace: string | undefined, obj: T, opts?: WriteOptions): Promise<T>;
  patch<T = ApiObject>(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: unknown,
    opts?: PatchOptions,
  ): Promise<T>;
  /** The deleted object (or the object marked for deletion), or a Success Status, as the server answers. */
  delete<T = ApiObject>(type: ResourceType, namespace: string | undefined, name: string, opts?: DeleteOptions): Promise<T | Status>;
  deleteCollection<T = ApiObject>(
    type: ResourceType,
    namespace: string | undefined,
    opts?: DeleteOptions & Omit<ListOptions, 'allPages' | 'signal'>,
  ): Promise<ObjectList<T> | Status>;
  /** Resolves once the server accepted the watch (headers received); rejects with a StatusError otherwise. */
  watch<T = ApiObject>(type: ResourceType, namespace: string | undefined, opts?: WatchOptions): Promise<Watch<T>>;
  /** The typed facade: client.resource<Pod>(PODS).namespace('default').get('web'). */
  resource<T = ApiObject>(type: ResourceType): ResourceClient<T>;
}

export const isStatus = (value: unknown): value is Status =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status' && (value as { apiVersion?: unknown }).apiVersion === 'v1';
