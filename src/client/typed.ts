// A typed facade over Client: client.resource<Pod>(PODS).namespace('default').get('web').
// Without .namespace() the calls are cluster-scoped (or across all namespaces for list/watch).
import type { Status } from '../apimachinery/errors.js';
import type {
  ApiObject,
  Client,
  CreateOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  ObjectList,
  PatchOptions,
  PatchType,
  ResourceType,
  Watch,
  WatchOptions,
  WriteOptions,
} from './types.js';

export interface ScopedResourceClient<T> {
  readonly type: ResourceType;
  /** undefined: cluster-scoped, or all namespaces. */
  readonly namespaceName: string | undefined;
  get(name: string, opts?: GetOptions): Promise<T>;
  list(opts?: ListOptions): Promise<ObjectList<T>>;
  create(obj: T, opts?: CreateOptions): Promise<T>;
  update(obj: T, opts?: WriteOptions): Promise<T>;
  updateStatus(obj: T, opts?: WriteOptions): Promise<T>;
  patch(name: string, patchType: PatchType, patch: unknown, opts?: PatchOptions): Promise<T>;
  delete(name: string, opts?: DeleteOptions): Promise<T | Status>;
  deleteCollection(opts?: DeleteOptions & Omit<ListOptions, 'allPages' | 'signal'>): Promise<ObjectList<T> | Status>;
  watch(opts?: WatchOptions): Promise<Watch<T>>;
}

export interface ResourceClient<T> extends ScopedResourceClient<T> {
  namespace(namespace: string): ScopedResourceClient<T>;
}

class Scoped<T> implements ScopedResourceClient<T> {
  constructor(
    readonly client: Client,
    readonly type: ResourceType,
    readonly namespaceName: string | undefined,
  ) {}

  get(name: string, opts?: GetOptions): Promise<T> {
    return this.client.get<T>(this.type, this.namespaceName, name, opts);
  }
  list(opts?: ListOptions): Promise<ObjectList<T>> {
    return this.client.list<T>(this.type, this.namespaceName, opts);
  }
  create(obj: T, opts?: CreateOptions): Promise<T> {
    return this.client.create<T>(this.type, this.namespaceName, obj, opts);
  }
  update(obj: T, opts?: WriteOptions): Promise<T> {
    return this.client.update<T>(this.type, this.namespaceName, obj, opts);
  }
  updateStatus(obj: T, opts?: WriteOptions): Promise<T> {
    return this.client.updateStatus<T>(this.type, this.namespaceName, obj, opts);
  }
  patch(name: string, patchType: PatchType, patch: unknown, opts?: PatchOptions): Promise<T> {
    return this.client.patch<T>(this.type, this.namespaceName, name, patchType, patch, opts);
  }
  delete(name: string, opts?: DeleteOptions): Promise<T | Status> {
    return this.client.delete<T>(this.type, this.namespaceName, name, opts);
  }
  deleteCollection(opts?: DeleteOptions & Omit<ListOptions, 'allPages' | 'signal'>): Promise<ObjectList<T> | Status> {
    return this.client.deleteCollection<T>(this.type, this.namespaceName, opts);
  }
  watch(opts?: WatchOptions): Promise<Watch<T>> {
    return this.client.watch<T>(this.type, this.namespaceName, opts);
  }
}

class Unscoped<T> extends Scoped<T> implements ResourceClient<T> {
  namespace(namespace: string): ScopedResourceClient<T> {
    if (!this.type.namespaced) throw new Error(`${this.type.resource} is cluster-scoped; it has no namespace ${namespace}`);
    return new Scoped<T>(this.client, this.type, namespace);
  }
}

/** What Client.resource() returns; implementations of Client delegate to this. */
export function resourceClient<T = ApiObject>(client: Client, type: ResourceType): ResourceClient<T> {
  return new Unscoped<T>(client, type, undefined);
}
