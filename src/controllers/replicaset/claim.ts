// Claiming (controller_ref_manager.go): an owner takes the orphans its selector matches (adopt,
// by patching in a controller ownerReference) and lets go of the objects it controls that no
// longer match (release, by patching that reference out). Objects controlled by others are
// never touched. Used by the ReplicaSet controller for pods and the Deployment controller for ReplicaSets.
import { type ObjectMeta, type OwnerReference, controllerRef } from '../../apimachinery/meta.js';
import type { Selector } from '../../apimachinery/labels.js';
import { isNotFound } from '../../client/errors.js';
import type { ApiObject } from '../../client/types.js';

export interface ClaimOptions<T extends ApiObject> {
  owner: { metadata?: ObjectMeta };
  selector: Selector;
  /** Patches the owner's controller reference into `obj`; may return the patched object, which is then claimed instead. */
  adopt(obj: T): Promise<T | void>;
  /** Patches the owner's reference out of `obj`. */
  release(obj: T): Promise<void>;
  /**
   * Checked once, before the first adoption: throws when the owner is gone or being deleted
   * according to a fresh read (the cache may be stale), so nothing adopts into a dying owner.
   */
  canAdopt(): Promise<void>;
}

export interface ClaimResult<T> {
  claimed: T[];
  errors: unknown[];
}

export async function claimObjects<T extends ApiObject>(objects: T[], opts: ClaimOptions<T>): Promise<ClaimResult<T>> {
  const claimed: T[] = [];
  const errors: unknown[] = [];
  let adoptable: Promise<void> | undefined;
  const ownerUid = opts.owner.metadata?.uid;
  const ownerDeleting = Boolean(opts.owner.metadata?.deletionTimestamp);
  for (const obj of objects) {
    const matches = opts.selector.matches(obj.metadata?.labels);
    const ref = controllerRef(obj);
    try {
      if (ref) {
        if (ref.uid !== ownerUid) continue;
        if (matches) claimed.push(obj);
        else if (!ownerDeleting) await ignoreNotFound(opts.release(obj));
        continue;
      }
      if (ownerDeleting || !matches || obj.metadata?.deletionTimestamp) continue;
      if (opts.owner.metadata?.namespace && obj.metadata?.namespace !== opts.owner.metadata.namespace) continue;
      adoptable ??= opts.canAdopt();
      await adoptable;
      const adopted = await ignoreNotFound(opts.adopt(obj));
      if (adopted) claimed.push(adopted === true ? obj : adopted);
    } catch (err) {
      errors.push(err);
    }
  }
  return { claimed, errors };
}

/** The call's result (true for none) when it succeeded; false when the object was already gone. */
async function ignoreNotFound<R>(call: Promise<R | void>): Promise<R | true | false> {
  try {
    return (await call) ?? true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** The strategic merge patch that adds `ref` (merged by uid); the object's uid acts as a precondition. */
export const adoptPatch = (ref: OwnerReference, objUid: string | undefined): unknown => ({
  metadata: { ownerReferences: [ref], uid: objUid },
});

/** The strategic merge patch that removes the reference to `ownerUid`. */
export const releasePatch = (ownerUid: string, objUid: string | undefined): unknown => ({
  metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: objUid },
});

/** Throws unless `fresh` (read from the API, not the cache) is still `owner` and not being deleted. */
export function recheckOwner(owner: { metadata?: ObjectMeta }, fresh: { metadata?: ObjectMeta }): void {
  const name = `${owner.metadata?.namespace ?? ''}/${owner.metadata?.name ?? ''}`;
  if (fresh.metadata?.uid !== owner.metadata?.uid) throw new Error(`original ${name} is gone: got uid ${fresh.metadata?.uid}, wanted ${owner.metadata?.uid}`);
  if (fresh.metadata?.deletionTimestamp) throw new Error(`${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
}
