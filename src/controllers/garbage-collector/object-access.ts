// The collector's only way to the API (a seam the unit tests replace): live reads by identity,
// deletes with preconditions, and merge patches. Kinds are mapped to resources through the
// resources discovery found (Kubernetes' RESTMapper).
import type { ApiObject, Client, ResourceType } from '../../client/types.js';
import { apiVersionOf } from '../../client/resources.js';
import { isNotFound } from '../../client/errors.js';

export type Propagation = 'Orphan' | 'Background' | 'Foreground';

/** Names an object by kind: an ownerReference, or a graph node's identity. */
export interface ObjectCoordinates {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface DeleteRequest {
  propagationPolicy: Propagation;
  uid: string;
  /** Also a precondition when given: the object must not have changed since it was judged. */
  resourceVersion?: string;
}

export class UnknownKindError extends Error {
  constructor(readonly apiVersion: string, readonly kind: string) {
    super(`unable to map ${apiVersion}, Kind=${kind} to a served resource`);
  }
}

export interface ObjectAccess {
  /** True/false for a served kind; throws UnknownKindError otherwise. */
  isNamespaced(apiVersion: string, kind: string): boolean;
  /** The live object, or undefined when it does not exist. `namespace` is ignored for cluster-scoped kinds. */
  get(ref: ObjectCoordinates): Promise<ApiObject | undefined>;
  /** Throws the API's StatusError (Conflict on a failed precondition); NotFound counts as done. */
  delete(ref: ObjectCoordinates, req: DeleteRequest): Promise<void>;
  /** application/merge-patch+json; throws the API's StatusError (Conflict, NotFound). */
  mergePatch(ref: ObjectCoordinates, patch: unknown): Promise<ApiObject>;
}

/** apiVersion + kind → resource, for the resources the API serves. */
export class ResourceMap {
  readonly #byKind = new Map<string, ResourceType>();

  constructor(types: ResourceType[] = []) {
    this.set(types);
  }

  set(types: ResourceType[]): void {
    for (const type of types) if (type.kind) this.#byKind.set(`${apiVersionOf(type)}|${type.kind}`, type);
  }

  lookup(apiVersion: string, kind: string): ResourceType | undefined {
    return this.#byKind.get(`${apiVersion}|${kind}`);
  }

  types(): ResourceType[] {
    return [...this.#byKind.values()];
  }
}

export class ClientObjectAccess implements ObjectAccess {
  constructor(
    readonly client: Client,
    readonly resources: ResourceMap,
  ) {}

  #type(apiVersion: string, kind: string): ResourceType {
    const type = this.resources.lookup(apiVersion, kind);
    if (!type) throw new UnknownKindError(apiVersion, kind);
    return type;
  }

  isNamespaced(apiVersion: string, kind: string): boolean {
    return this.#type(apiVersion, kind).namespaced;
  }

  async get(ref: ObjectCoordinates): Promise<ApiObject | undefined> {
    const type = this.#type(ref.apiVersion, ref.kind);
    try {
      return await this.client.get(type, type.namespaced ? ref.namespace : undefined, ref.name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async delete(ref: ObjectCoordinates, req: DeleteRequest): Promise<void> {
    const type = this.#type(ref.apiVersion, ref.kind);
    const preconditions = req.resourceVersion ? { uid: req.uid, resourceVersion: req.resourceVersion } : { uid: req.uid };
    try {
      await this.client.delete(type, type.namespaced ? ref.namespace : undefined, ref.name, { propagationPolicy: req.propagationPolicy, preconditions });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  mergePatch(ref: ObjectCoordinates, patch: unknown): Promise<ApiObject> {
    const type = this.#type(ref.apiVersion, ref.kind);
    return this.client.patch(type, type.namespaced ? ref.namespace : undefined, ref.name, 'merge', patch);
  }
}
