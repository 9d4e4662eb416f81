// Deletion as Kubernetes does it: preconditions, graceful deletion, finalizers and the
// garbage-collection propagation policies (Orphan and Foreground leave a finalizer for the
// garbage collector; Background removes the object now and the collector follows).
import { badRequest, conflict } from '../../../apimachinery/errors.js';
import type { KubeObject } from '../../../apimachinery/meta.js';
import type { RequestContext } from './resource.js';
import { type RegistryStore, isReadyToRemove } from './registry-store.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export interface DeleteResult {
  /** The object as it was removed, or as it now is while finalizers/grace keep it. */
  object: KubeObject;
  /** True when the object is gone from the store. */
  deleted: boolean;
}

/** Decides, per resource, whether a delete waits for a grace period (pods on a node). */
export type GracePeriodFn = (obj: KubeObject, requested: number | undefined) => number;

export function parseDeleteOptions(body: Record<string, unknown> | null, query: URLSearchParams): DeleteOptions {
  const opts: DeleteOptions = {};
  const src = body ?? {};
  const grace = src.gracePeriodSeconds ?? query.get('gracePeriodSeconds') ?? undefined;
  if (grace !== undefined && grace !== null) {
    const n = Number(grace);
    if (!Number.isInteger(n)) throw badRequest(`invalid gracePeriodSeconds: ${String(grace)}`);
    opts.gracePeriodSeconds = n;
  }
  const policy = (src.propagationPolicy ?? query.get('propagationPolicy') ?? undefined) as string | undefined;
  if (policy !== undefined && policy !== null) {
    if (policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
      throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    opts.propagationPolicy = policy;
  }
  const orphan = src.orphanDependents ?? query.get('orphanDependents') ?? undefined;
  if (orphan !== undefined && orphan !== null) opts.orphanDependents = orphan === true || orphan === 'true';
  if (opts.orphanDependents !== undefined && opts.propagationPolicy) {
    throw badRequest('Using both orphanDependents and propagationPolicy is not allowed');
  }
  if (src.preconditions && typeof src.preconditions === 'object') opts.preconditions = src.preconditions as DeleteOptions['preconditions'];
  return opts;
}

/**
 * Deletes `name`. Objects with finalizers, or deleted with Orphan/Foreground propagation, get a
 * deletionTimestamp and stay until their finalizers are removed (the registry's update path then
 * removes them). Graceful deletion (pods) sets a deadline and waits for the node to confirm.
 */
export async function deleteObject(
  registry: RegistryStore,
  ctx: RequestContext,
  name: string,
  opts: DeleteOptions,
  gracePeriod?: GracePeriodFn,
): Promise<DeleteResult> {
  const current = await registry.get(ctx.namespace, name);
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== current.metadata.uid) {
    throw conflict(registry.groupResource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(registry.groupResource, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${current.metadata.resourceVersion}`);
  }

  const policy: PropagationPolicy | undefined = opts.orphanDependents === true ? 'Orphan' : opts.orphanDependents === false ? 'Background' : opts.propagationPolicy;
  const wantedFinalizer = policy === 'Orphan' ? FINALIZER_ORPHAN : policy === 'Foreground' ? FINALIZER_FOREGROUND : undefined;
  const grace = gracePeriod ? gracePeriod(current, opts.gracePeriodSeconds) : 0;
  const finalizers = current.metadata.finalizers ?? [];
  const hold = registry.def.deletionHold;
  const needsMark = finalizers.length > 0 || wantedFinalizer !== undefined || grace > 0 || (hold?.holds(current) ?? false);

  if (!needsMark) {
    return { object: await registry.remove(ctx, current), deleted: true };
  }

  const { object } = await registry.update(
    ctx,
    name,
    (obj) => {
      if (!obj) return current;
      const meta = obj.metadata;
      let list = [...(meta.finalizers ?? [])];
      if (wantedFinalizer) {
        // A new policy replaces the other GC finalizer, as in Kubernetes.
        list = list.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
        list.push(wantedFinalizer);
      } else if (policy === 'Background') {
        list = list.filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
      }
      meta.finalizers = list.length > 0 ? list : undefined;
      if (!meta.finalizers) delete meta.finalizers;
      const existingGrace = meta.deletionGracePeriodSeconds;
      // A shorter grace period may shorten a running one; never lengthen it.
      const effective = existingGrace !== undefined ? Math.min(existingGrace, grace) : grace;
      if (!meta.deletionTimestamp || effective !== existingGrace) {
        meta.deletionTimestamp = new Date(Date.now() + effective * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        meta.deletionGracePeriodSeconds = effective;
      }
      return obj;
    },
    { retryOnConflict: true, marksDeletion: true },
  );
  // With nothing left holding it (no finalizers, no grace), the object goes now.
  if (isReadyToRemove(object) && !hold?.holds(object)) {
    return { object: await registry.remove(ctx, object), deleted: true };
  }
  return { object, deleted: false };
}

