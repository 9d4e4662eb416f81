// Turns informer events into graph changes (Kubernetes' GraphBuilder.processGraphChanges) and
// decides which nodes the collector must look at: dependents of a vanished owner, owners whose
// foreground deletion may now finish, owners that must orphan their dependents, and virtual
// owners that must be checked against the API.
import type { OwnerReference } from '../../apimachinery/meta.js';
import type { ApiObject } from '../../client/types.js';
import { AbsentOwnerCache } from './absent-owner-cache.js';
import { DependencyGraph, GraphNode, type ObjectIdentity, identityOf, isBeingDeleted, isDeletingDependents, isOrphaning } from './graph.js';

/** Where the builder sends nodes that need work; the controller backs these with work queues. */
export interface GraphSinks {
  attemptToDelete(node: GraphNode): void;
  attemptToOrphan(node: GraphNode): void;
}

export class GraphBuilder {
  constructor(
    readonly graph: DependencyGraph,
    readonly absentOwners: AbsentOwnerCache,
    readonly sinks: GraphSinks,
  ) {}

  /** An object was added or updated (informer add/update/resync). */
  observe(obj: ApiObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    const newOwners = [...(obj.metadata?.ownerReferences ?? [])];
    let node = this.graph.get(uid);
    if (!node) {
      node = new GraphNode(identityOf(obj), true);
      this.graph.add(node);
      this.#updateOwners(node, [], newOwners);
    } else {
      if (!node.observed) this.#markObserved(node, obj);
      this.#updateOwners(node, node.owners, newOwners);
    }
    node.owners = newOwners;
    this.#processTransitions(node, obj);
  }

  /** An informer saw the object deleted. */
  observeDeleted(obj: ApiObject): void {
    const uid = obj.metadata?.uid;
    const node = uid ? this.graph.get(uid) : undefined;
    if (!node) return;
    this.#removeNode(node);
  }

  /**
   * A live GET found no object for `identity` (or one with another uid). A virtual node goes
   * like a deleted one; an observed node stays (its informer will report the deletion), but
   * its dependents are checked again.
   */
  virtualDelete(identity: ObjectIdentity): void {
    const node = this.graph.get(identity.uid);
    if (!node) return;
    if (node.observed) {
      for (const dep of node.dependents) this.sinks.attemptToDelete(dep);
      return;
    }
    this.#removeNode(node);
  }

  #removeNode(node: GraphNode): void {
    this.graph.remove(node);
    if (node.dependents.size > 0) this.absentOwners.add(node.identity.namespace, node.uid);
    for (const dep of node.dependents) this.sinks.attemptToDelete(dep);
    for (const ref of node.owners) {
      const owner = this.graph.get(ref.uid);
      if (owner?.deletingDependents) this.sinks.attemptToDelete(owner);
    }
  }

  #markObserved(node: GraphNode, obj: ApiObject): void {
    const seen = identityOf(obj);
    const before = node.identity;
    node.observed = true;
    node.identity = seen;
    // Dependents that named this uid with other coordinates hold a reference that resolves to nothing.
    if (before.kind !== seen.kind || before.apiVersion !== seen.apiVersion || before.name !== seen.name) {
      for (const dep of node.dependents) this.sinks.attemptToDelete(dep);
    }
  }

  #updateOwners(node: GraphNode, oldRefs: OwnerReference[], newRefs: OwnerReference[]): void {
    const oldByUid = new Map(oldRefs.map((ref) => [ref.uid, ref]));
    const newByUid = new Map(newRefs.map((ref) => [ref.uid, ref]));
    for (const [uid, ref] of oldByUid) {
      const owner = this.graph.get(uid);
      if (!owner) continue;
      const now = newByUid.get(uid);
      if (!now) owner.dependents.delete(node);
      // An owner waiting in the foreground may be free once a blocking reference is gone.
      const unblocked = !now || (ref.blockOwnerDeletion === true && now.blockOwnerDeletion !== true);
      if (unblocked && owner.deletingDependents) this.sinks.attemptToDelete(owner);
    }
    for (const [uid, ref] of newByUid) {
      if (oldByUid.has(uid)) continue;
      let owner = this.graph.get(uid);
      if (!owner) {
        owner = new GraphNode({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid, namespace: node.identity.namespace }, false);
        this.graph.add(owner);
        // Nobody has shown us this owner: ask the API whether it exists.
        this.sinks.attemptToDelete(owner);
      }
      owner.dependents.add(node);
      // A dependent appearing under an owner that is already going must be collected too; one
      // naming a namespaced owner from another namespace (or from no namespace) names nothing.
      const crossNamespace = owner.observed && owner.identity.namespace !== '' && owner.identity.namespace !== node.identity.namespace;
      if (owner.deletingDependents || crossNamespace) this.sinks.attemptToDelete(node);
    }
  }

  #processTransitions(node: GraphNode, obj: ApiObject): void {
    node.beingDeleted = isBeingDeleted(obj);
    const orphaning = isOrphaning(obj);
    if (orphaning && !node.orphaning) this.sinks.attemptToOrphan(node);
    node.orphaning = orphaning;
    const deletingDependents = isDeletingDependents(obj);
    if (deletingDependents && !node.deletingDependents) {
      node.deletingDependents = true;
      for (const dep of node.dependents) this.sinks.attemptToDelete(dep);
      this.sinks.attemptToDelete(node);
    }
    node.deletingDependents = deletingDependents;
  }
}
