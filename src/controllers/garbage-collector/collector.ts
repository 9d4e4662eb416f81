// The collector's two kinds of work (Kubernetes' attemptToDeleteItem and orphanDependents).
// Decisions are taken on live objects, never on the graph alone: the graph says whom to look at,
// a GET of the object and of each owner says what to do.
import type { OwnerReference } from '../../apimachinery/meta.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import type { ApiObject } from '../../client/types.js';
import type { AbsentOwnerCache } from './absent-owner-cache.js';
import type { GraphBuilder } from './graph-builder.js';
import { FINALIZER_FOREGROUND, FINALIZER_ORPHAN, type GraphNode, type ObjectIdentity, hasFinalizer, isDeletingDependents } from './graph.js';
import type { ObjectAccess, Propagation } from './object-access.js';

/** 'requeue': look again later with backoff (a virtual node not yet observed). */
export type ItemResult = 'done' | 'requeue';

export interface Recorder {
  event(obj: { apiVersion?: string; kind?: string; namespace?: string; name?: string; uid?: string }, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

interface Classified {
  solid: OwnerReference[];
  dangling: OwnerReference[];
  waitingForDependentsDeletion: OwnerReference[];
}

const CONFLICT_RETRIES = 5;

export class Collector {
  constructor(
    readonly builder: GraphBuilder,
    readonly access: ObjectAccess,
    readonly absentOwners: AbsentOwnerCache,
    readonly recorder?: Recorder,
  ) {}

  async attemptToDelete(node: GraphNode): Promise<ItemResult> {
    const result = await this.#attemptToDelete(node);
    // A virtual owner stays under watch until an informer shows it or a GET proves it gone.
    if (!node.observed && this.builder.graph.get(node.uid) === node) return 'requeue';
    return result;
  }

  async #attemptToDelete(node: GraphNode): Promise<ItemResult> {
    // Someone else is deleting it (and not waiting on us for its dependents).
    if (node.beingDeleted && !node.deletingDependents) return 'done';
    const latest = await this.access.get(node.identity);
    if (!latest || latest.metadata?.uid !== node.uid) {
      this.builder.virtualDelete(node.identity);
      return 'done';
    }
    if (isDeletingDependents(latest)) {
      await this.#processDeletingDependents(node);
      return 'done';
    }
    const refs = latest.metadata?.ownerReferences ?? [];
    if (refs.length === 0) return 'done';

    const { solid, dangling, waitingForDependentsDeletion: waiting } = await this.#classify(latest, refs);
    if (solid.length > 0) {
      // A live owner keeps the object; references to gone or going owners are dropped.
      const drop = [...dangling, ...waiting].map((ref) => ref.uid);
      if (drop.length > 0) await this.removeOwnerReferences(node.identity, drop);
      return 'done';
    }
    if (waiting.length > 0 && node.dependents.size > 0) {
      // Our owner waits for us in the foreground, so we go in the foreground too. If one of our
      // dependents already waits for its own, a blocking reference back to us could deadlock:
      // unblock ours first.
      if ([...node.dependents].some((dep) => dep.deletingDependents)) await this.#unblockOwnerReferences(node, latest);
      await this.#delete(node, latest, 'Foreground');
      return 'done';
    }
    const policy: Propagation = hasFinalizer(latest, FINALIZER_ORPHAN) ? 'Orphan' : hasFinalizer(latest, FINALIZER_FOREGROUND) ? 'Foreground' : 'Background';
    await this.#delete(node, latest, policy);
    return 'done';
  }

  /** A foreground deletion finishes once no dependent blocks it any more. */
  async #processDeletingDependents(node: GraphNode): Promise<void> {
    const blocking = node.blockingDependents();
    if (blocking.length === 0) {
      await this.removeFinalizer(node.identity, FINALIZER_FOREGROUND);
      return;
    }
    for (const dep of blocking) if (!dep.deletingDependents) this.builder.sinks.attemptToDelete(dep);
  }

  async #classify(latest: ApiObject, refs: OwnerReference[]): Promise<Classified> {
    const out: Classified = { solid: [], dangling: [], waitingForDependentsDeletion: [] };
    const dependentNamespace = latest.metadata?.namespace ?? '';
    for (const ref of refs) {
      const namespaced = this.access.isNamespaced(ref.apiVersion, ref.kind);
      if (namespaced && !dependentNamespace) {
        // A cluster-scoped object cannot be owned by a namespaced one: the reference resolves to nothing.
        this.recorder?.event(eventTarget(latest), 'Warning', 'OwnerRefInvalidNamespace',
          `ownerRef [${ref.apiVersion}/${ref.kind}, namespace: , name: ${ref.name}, uid: ${ref.uid}] does not exist in namespace ""`);
        out.dangling.push(ref);
        continue;
      }
      const ownerNamespace = namespaced ? dependentNamespace : '';
      if (this.absentOwners.has(ownerNamespace, ref.uid)) {
        out.dangling.push(ref);
        continue;
      }
      const owner = await this.access.get({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: ownerNamespace, name: ref.name });
      if (!owner || owner.metadata?.uid !== ref.uid) {
        this.absentOwners.add(ownerNamespace, ref.uid);
        out.dangling.push(ref);
      } else if (isDeletingDependents(owner)) {
        out.waitingForDependentsDeletion.push(ref);
      } else {
        out.solid.push(ref);
      }
    }
    return out;
  }

  /** Deletes with the uid and resourceVersion judged; if only unrelated fields changed since, deletes anyway. */
  async #delete(node: GraphNode, latest: ApiObject, propagationPolicy: Propagation): Promise<void> {
    const uid = node.uid;
    try {
      await this.access.delete(node.identity, { propagationPolicy, uid, resourceVersion: latest.metadata?.resourceVersion });
    } catch (err) {
      if (!isConflict(err)) throw this.#failed(node.identity, 'FailedDelete', err);
      const now = await this.access.get(node.identity);
      if (!now || now.metadata?.uid !== uid) return;
      // Only a change of owners may change the verdict; anything else and the delete stands.
      if (JSON.stringify(now.metadata?.ownerReferences ?? []) !== JSON.stringify(latest.metadata?.ownerReferences ?? [])) throw err;
      await this.access.delete(node.identity, { propagationPolicy, uid }).catch((e: unknown) => {
        throw this.#failed(node.identity, 'FailedDelete', e);
      });
    }
  }

  /** Orphan propagation: every dependent loses its reference to `owner`, then the owner loses its finalizer. */
  async attemptToOrphan(owner: GraphNode): Promise<void> {
    const results = await Promise.allSettled([...owner.dependents].map((dep) => this.removeOwnerReferences(dep.identity, [owner.uid])));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      const reasons = failed.map((r) => (r.reason instanceof Error ? r.reason.message : String(r.reason)));
      throw this.#failed(owner.identity, 'FailedOrphan', new Error(`failed to orphan dependents of ${owner}: ${reasons.join('; ')}`));
    }
    await this.removeFinalizer(owner.identity, FINALIZER_ORPHAN);
  }

  /** Drops the ownerReferences with these uids from the live object (merge patch guarded by resourceVersion). */
  async removeOwnerReferences(identity: ObjectIdentity, ownerUids: string[]): Promise<void> {
    await this.#patchLive(identity, (obj) => {
      const refs = obj.metadata?.ownerReferences ?? [];
      const kept = refs.filter((ref) => !ownerUids.includes(ref.uid));
      if (kept.length === refs.length) return undefined;
      return { ownerReferences: kept.length > 0 ? kept : null };
    });
  }

  async removeFinalizer(identity: ObjectIdentity, finalizer: string): Promise<void> {
    await this.#patchLive(identity, (obj) => {
      const finalizers = obj.metadata?.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return undefined;
      const kept = finalizers.filter((f) => f !== finalizer);
      return { finalizers: kept.length > 0 ? kept : null };
    });
  }

  async #unblockOwnerReferences(node: GraphNode, latest: ApiObject): Promise<void> {
    await this.#patchLive(node.identity, (obj) => {
      const refs = obj.metadata?.ownerReferences ?? [];
      if (!refs.some((ref) => ref.blockOwnerDeletion === true)) return undefined;
      return { ownerReferences: refs.map((ref) => (ref.blockOwnerDeletion === true ? { ...ref, blockOwnerDeletion: false } : ref)) };
    }, latest);
  }

  /**
   * Reads the object (or starts from `first`), asks `change` for a metadata merge patch, and sends
   * it with the resourceVersion read; on a conflict, reads again. Gone (or another uid): nothing to do.
   */
  async #patchLive(identity: ObjectIdentity, change: (obj: ApiObject) => Record<string, unknown> | undefined, first?: ApiObject): Promise<void> {
    let obj = first;
    for (let attempt = 0; ; attempt++) {
      obj ??= await this.access.get(identity);
      if (!obj || obj.metadata?.uid !== identity.uid) return;
      const metadata = change(obj);
      if (!metadata) return;
      try {
        await this.access.mergePatch(identity, { metadata: { ...metadata, uid: identity.uid, resourceVersion: obj.metadata?.resourceVersion } });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt >= CONFLICT_RETRIES) throw err;
        obj = undefined;
      }
    }
  }

  #failed(identity: ObjectIdentity, reason: string, err: unknown): Error {
    const message = err instanceof Error ? err.message : String(err);
    this.recorder?.event(eventTarget(identity), 'Warning', reason, message);
    return err instanceof Error ? err : new Error(message);
  }
}

function eventTarget(obj: ApiObject | ObjectIdentity): { apiVersion?: string; kind?: string; namespace?: string; name?: string; uid?: string } {
  if ('uid' in obj) return obj;
  return { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata?.namespace, name: obj.metadata?.name, uid: obj.metadata?.uid };
}
