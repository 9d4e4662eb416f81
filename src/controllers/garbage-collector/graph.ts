// The garbage collector's dependency graph (Kubernetes' uidToNode): one node per object uid,
// linked to the nodes of the owners its ownerReferences name. A node for an owner that no
// informer has shown yet is "virtual" until it is observed, or confirmed absent by a live GET.
import type { OwnerReference } from '../../apimachinery/meta.js';
import type { ApiObject } from '../../client/types.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

/** Where an object lives and which incarnation it is (the uid tells re-creations apart). */
export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  /** The object's namespace; for a virtual owner, the namespace of the dependent that named it. */
  namespace: string;
  name: string;
  uid: string;
}

export class GraphNode {
  identity: ObjectIdentity;
  /** The ownerReferences last observed on the object. */
  owners: OwnerReference[] = [];
  readonly dependents = new Set<GraphNode>();
  /** False while the node stands for an owner only known from a dependent's ownerReference. */
  observed: boolean;
  /** deletionTimestamp is set. */
  beingDeleted = false;
  /** Being deleted in the foreground: waits for its blocking dependents to go. */
  deletingDependents = false;
  /** Being deleted with the orphan finalizer: its dependents lose their references to it. */
  orphaning = false;

  constructor(identity: ObjectIdentity, observed: boolean) {
    this.identity = identity;
    this.observed = observed;
  }

  get uid(): string {
    return this.identity.uid;
  }

  /** Dependents whose reference to this node has blockOwnerDeletion: a foreground deletion waits for them. */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((dep) => dep.owners.some((ref) => ref.uid === this.uid && ref.blockOwnerDeletion === true));
  }

  toString(): string {
    const { apiVersion, kind, namespace, name, uid } = this.identity;
    return `[${apiVersion}/${kind}, namespace: ${namespace}, name: ${name}, uid: ${uid}]`;
  }
}

export class DependencyGraph {
  readonly #nodes = new Map<string, GraphNode>();

  get(uid: string): GraphNode | undefined {
    return this.#nodes.get(uid);
  }

  get size(): number {
    return this.#nodes.size;
  }

  nodes(): GraphNode[] {
    return [...this.#nodes.values()];
  }

  add(node: GraphNode): void {
    this.#nodes.set(node.uid, node);
  }

  /** Drops the node and its links from the owners' side; dependents keep their (now dangling) references. */
  remove(node: GraphNode): void {
    if (this.#nodes.get(node.uid) !== node) return;
    this.#nodes.delete(node.uid);
    for (const ref of node.owners) this.#nodes.get(ref.uid)?.dependents.delete(node);
  }
}

export const identityOf = (obj: ApiObject): ObjectIdentity => ({
  apiVersion: obj.apiVersion ?? '',
  kind: obj.kind ?? '',
  namespace: obj.metadata?.namespace ?? '',
  name: obj.metadata?.name ?? '',
  uid: obj.metadata?.uid ?? '',
});

export const hasFinalizer = (obj: ApiObject, finalizer: string): boolean => (obj.metadata?.finalizers ?? []).includes(finalizer);

export const isBeingDeleted = (obj: ApiObject): boolean => Boolean(obj.metadata?.deletionTimestamp);

/** Deleted in the foreground and still waiting for its dependents. */
export const isDeletingDependents = (obj: ApiObject): boolean => isBeingDeleted(obj) && hasFinalizer(obj, FINALIZER_FOREGROUND);

/** Deleted with propagationPolicy Orphan and its dependents not yet released. */
export const isOrphaning = (obj: ApiObject): boolean => isBeingDeleted(obj) && hasFinalizer(obj, FINALIZER_ORPHAN);
