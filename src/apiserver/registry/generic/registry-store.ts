// The generic registry: the fixed order of steps for every resource's create, update and
// delete, over a Store. A resource supplies only decisions (its ResourceDefinition).
import { randomUUID } from 'node:crypto';
import {
  type StatusError,
  alreadyExists,
  badRequest,
  conflict,
  internal,
  invalid,
  notFound,
} from '../../../apimachinery/errors.js';
import type { KubeObject } from '../../../apimachinery/meta.js';
import { ErrorList } from '../../../apimachinery/field.js';
import { type KeyValue, type Store, isStoreError } from '../../../storage/store.js';
import type { AdmissionChain, AdmissionOperation } from '../../admission/admission.js';
import { ObjectCodec, objectKey, samePlain } from './codec.js';
import { validateObjectMetaFor } from './meta-validation.js';
import type { RequestContext, ResourceDefinition, Strategy } from './resource.js';

export interface WriteResult {
  object: KubeObject;
  created: boolean;
}

/**
 * Produces the desired object from the current one (PUT: ignores it; PATCH: applies a patch).
 * `current` is the caller's own copy, which it may change and return; `original` is the same
 * object as stored, for comparisons only: it must not be changed.
 */
export type UpdateFn = (current: KubeObject | null, original: KubeObject | null) => KubeObject | Promise<KubeObject>;

export interface UpdateOptions {
  subresource?: '' | 'status' | string;
  /** The object must have this uid / resourceVersion (from DeleteOptions.preconditions or the body). */
  preconditionUid?: string;
  /** Retry on CAS conflicts when the caller did not ask for a specific resourceVersion (patches). */
  retryOnConflict?: boolean;
  /** Create when missing (apply patches and strategies that allow it). */
  createIfMissing?: boolean;
  /** The update marks the object for deletion (deletionTimestamp/grace may change): delete only. */
  marksDeletion?: boolean;
}

/** Reads objects from memory (the resource's watch cache), consistent with the store. */
export interface CachedReader {
  /** The object at `key` at least as new as the store's latest write; null when absent. Never mutate it. */
  get(key: string): Promise<KubeObject | null>;
}

const MAX_CAS_RETRIES = 10;
const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Kubernetes' generateName: five characters from an alphabet without vowels or confusable digits. */
export function generateNameSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += NAME_SUFFIX_ALPHABET[Math.floor(Math.random() * NAME_SUFFIX_ALPHABET.length)];
  return out;
}

export const rfc3339Now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class RegistryStore {
  readonly def: ResourceDefinition;
  readonly #store: Store;
  readonly #codec: ObjectCodec;
  readonly #admission: AdmissionChain;
  #cache: CachedReader | null = null;

  constructor(def: ResourceDefinition, store: Store, codec: ObjectCodec, admission: AdmissionChain) {
    this.def = def;
    this.#store = store;
    this.#codec = codec;
    this.#admission = admission;
  }

  get groupResource(): { group: string; resource: string } {
    return { group: this.def.group, resource: this.def.resource };
  }

  keyFor(namespace: string, name: string): string {
    return objectKey(this.def, namespace, name);
  }

  decode(kv: KeyValue): KubeObject {
    return this.#codec.decode(kv);
  }

  /** Serves read() from memory from now on (the served resource's watch cache). */
  useCache(cache: CachedReader): void {
    this.#cache = cache;
  }

  /** The object freshly decoded from the store: the caller owns it and may change it. */
  async get(namespace: string, name: string): Promise<KubeObject> {
    const kv = await this.#store.get(this.keyFor(namespace, name));
    if (!kv) throw notFound(this.groupResource, name);
    return this.#codec.decode(kv);
  }

  /** The latest object, from the watch cache when there is one (no store read, no decode):
   *  shared with every other reader, so it must not be changed. */
  async read(namespace: string, name: string): Promise<KubeObject> {
    if (!this.#cache) return this.get(namespace, name);
    const obj = await this.#cache.get(this.keyFor(namespace, name));
    if (!obj) throw notFound(this.groupResource, name);
    return obj;
  }

  async create(ctx: RequestContext, obj: KubeObject): Promise<KubeObject> {
    const def = this.def;
    this.#checkTypeAndNamespace(obj, ctx);
    const meta = obj.metadata;
    if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${generateNameSuffix()}`;
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339Now();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (def.namespaced) meta.namespace = ctx.namespace;
    else delete meta.namespace;
    def.strategy.prepareForCreate(obj, ctx);
    this.#throwIfInvalid(obj, new ErrorList(validateObjectMetaFor(def, obj, null)).add(def.strategy.validate(obj, ctx)));
    await this.#admit('CREATE', obj, null, ctx, '');
    this.#throwIfInvalid(obj, def.strategy.validate(obj, ctx));
    const key = this.keyFor(ctx.namespace, meta.name ?? '');
    if (ctx.dryRun) {
      if (await this.#store.get(key)) throw alreadyExists(this.groupResource, meta.name ?? '');
      return obj;
    }
    const value = this.#codec.encode(key, obj);
    this.#codec.handOver(key, value, obj);
    try {
      const kv = await this.#store.create(key, value);
      meta.resourceVersion = String(kv.modRevision);
      return obj;
    } catch (err) {
      this.#codec.withdraw(key);
      throw this.#translate(err, meta.name ?? '');
    }
  }

  /**
   * The update loop (Kubernetes' GuaranteedUpdate): read, compute the desired object, check
   * preconditions, prepare, validate, admit, compare-and-swap; retry only when the caller's
   * intent does not depend on the version it read.
   */
  async update(ctx: RequestContext, name: string, desired: UpdateFn, opts: UpdateOptions = {}): Promise<WriteResult> {
    const key = this.keyFor(ctx.namespace, name);
    const subresource = opts.subresource ?? '';
    const strategy: Strategy =
      (subresource === 'status' ? this.def.statusStrategy : this.def.subresourceStrategies?.[subresource]) ?? this.def.strategy;
    for (let attempt = 0; ; attempt++) {
      const currentKv = await this.#store.get(key);
      const currentPlain = currentKv ? this.#codec.plain(currentKv) : null;
      const current = currentKv && currentPlain ? this.#codec.decodePlain(currentPlain, currentKv.modRevision) : null;
      if (!current || !currentPlain) {
        const allowCreate = opts.createIfMissing || (this.def.strategy.allowCreateOnUpdate && subresource === '');
        if (!allowCreate) throw notFound(this.groupResource, name);
        const obj = await desired(null, null);
        if (obj.metadata.name && obj.metadata.name !== name) throw badRequest('the name of the object (' + obj.metadata.name + ') does not match the name on the URL (' + name + ')');
        obj.metadata.name = name;
        delete obj.metadata.resourceVersion;
        try {
          return { object: await this.create(ctx, obj), created: true };
        } catch (err) {
          if ((err as StatusError).reason === 'AlreadyExists' && attempt < MAX_CAS_RETRIES) continue;
          throw err;
        }
      }
      if (opts.preconditionUid && opts.preconditionUid !== current.metadata.uid) {
        throw conflict(this.groupResource, name, `Precondition failed: UID in precondition: ${opts.preconditionUid}, UID in object meta: ${current.metadata.uid}`);
      }
      // The caller's copy, decoded again from the stored JSON (twice as fast as structuredClone).
      const obj = await desired(this.#codec.decodePlain(currentPlain, currentKv!.modRevision), current);
      this.#checkTypeAndNamespace(obj, ctx);
      if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
        throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
      }
      const requestedVersion = obj.metadata.resourceVersion;
      if (!requestedVersion && !opts.retryOnConflict && !this.def.strategy.allowUnconditionalUpdate) {
        throw invalid(this.def.kind, this.def.group, name, [
          { reason: 'FieldValueRequired', field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update' },
        ]);
      }
      if (requestedVersion && requestedVersion !== current.metadata.resourceVersion) {
        throw conflict(this.groupResource, name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      // An unconditional update applies to the version it read.
      if (!requestedVersion) obj.metadata.resourceVersion = current.metadata.resourceVersion;
      this.#keepSystemMetadata(obj, current, ctx, opts.marksDeletion === true);
      strategy.prepareForUpdate(obj, current, ctx);
      // Marked after the strategy, which would otherwise restore the old status.
      if (opts.marksDeletion) this.def.deletionHold?.markDeleting(obj);
      this.#throwIfInvalid(obj, new ErrorList(validateObjectMetaFor(this.def, obj, current, opts.marksDeletion === true)).add(strategy.validateUpdate(obj, current, ctx)));
      await this.#admit('UPDATE', obj, current, ctx, subresource);
      if (ctx.dryRun) return { object: obj, created: false };
      // An update that changes nothing is not written (no new resourceVersion), as in Kubernetes:
      // the stored JSON is compared, which is the object without its resourceVersion.
      const plain = this.#codec.encodePlain(obj);
      if (samePlain(plain, currentPlain)) return { object: current, created: false };
      const value = this.#codec.toStorage(key, plain);
      const removesNow = !opts.marksDeletion && isReadyToRemove(obj) && !this.def.deletionHold?.holds(obj);
      // Not when it is removed at once: its resourceVersion changes again after the write.
      if (!removesNow) this.#codec.handOver(key, value, obj);
      try {
        const kv = await this.#store.update(key, value, currentKv!.modRevision);
        obj.metadata.resourceVersion = String(kv.modRevision);
        if (removesNow) {
          // The last finalizer of a deleted object is gone: the object goes with it.
          const removed = await this.#store.delete(key, kv.modRevision).catch(() => null);
          if (removed) obj.metadata.resourceVersion = String(removed.modRevision);
        }
        return { object: obj, created: false };
      } catch (err) {
        this.#codec.withdraw(key);
        const retry = isStoreError(err, 'Conflict') && (opts.retryOnConflict || !requestedVersion) && attempt < MAX_CAS_RETRIES;
        if (retry) continue;
        throw this.#translate(err, name);
      }
    }
  }

  /** Removes the object from the store now (finalizers and grace periods are decided by the caller). */
  async remove(ctx: RequestContext, current: KubeObject): Promise<KubeObject> {
    const name = current.metadata.name ?? '';
    await this.#admit('DELETE', null, current, ctx, '');
    if (ctx.dryRun) return current;
    try {
      const kv = await this.#store.delete(this.keyFor(ctx.namespace, name), Number(current.metadata.resourceVersion));
      const deleted = this.#codec.decode(kv);
      return deleted;
    } catch (err) {
      throw this.#translate(err, name);
    }
  }

  #checkTypeAndNamespace(obj: KubeObject, ctx: RequestContext): void {
    const def = this.def;
    const apiVersion = def.group ? `${def.group}/${def.version}` : def.version;
    if (obj.kind === undefined || obj.kind === '') obj.kind = def.kind;
    if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = apiVersion;
    if (obj.kind !== def.kind || obj.apiVersion !== apiVersion) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersion}) or kind ${obj.kind} is not ${def.kind}`);
    }
    if (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata)) {
      throw badRequest('metadata must be an object');
    }
    const bodyNamespace = obj.metadata.namespace;
    if (def.namespaced && bodyNamespace && ctx.namespace && bodyNamespace !== ctx.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }

  #keepSystemMetadata(obj: KubeObject, current: KubeObject, ctx: RequestContext, marksDeletion: boolean): void {
    const meta = obj.metadata;
    const old = current.metadata;
    meta.name = old.name;
    meta.uid = old.uid;
    meta.creationTimestamp = old.creationTimestamp;
    meta.generation = old.generation;
    if (!marksDeletion) {
      if (old.deletionTimestamp) meta.deletionTimestamp = old.deletionTimestamp;
      else delete meta.deletionTimestamp;
      if (old.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
      else delete meta.deletionGracePeriodSeconds;
    }
    if (this.def.namespaced) meta.namespace = ctx.namespace;
    else delete meta.namespace;
  }

  #throwIfInvalid(obj: KubeObject, errors: ErrorList): void {
    if (errors.isEmpty()) return;
    throw errors.toStatusError(this.def.kind, this.def.group, obj.metadata.name ?? obj.metadata.generateName ?? '');
  }

  async #admit(operation: AdmissionOperation, obj: KubeObject | null, old: KubeObject | null, ctx: RequestContext, subresource: string): Promise<void> {
    await this.#admission.admit({ operation, def: this.def, object: obj, oldObject: old, ctx, subresource });
  }

  #translate(err: unknown, name: string): Error {
    if (isStoreError(err, 'KeyExists')) return alreadyExists(this.groupResource, name);
    if (isStoreError(err, 'NotFound')) return notFound(this.groupResource, name);
    if (isStoreError(err, 'Conflict')) {
      return conflict(this.groupResource, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    if (isStoreError(err, 'TooLarge')) return badRequest(`${this.def.resource} "${name}" is too large: ${(err as Error).message}`);
    if (isStoreError(err, 'Unavailable')) return internal(`the datastore is unavailable: ${(err as Error).message}`);
    return err instanceof Error ? err : internal(String(err));
  }
}

/** A deleted object with no finalizers left and no grace period running. */
export const isReadyToRemove = (obj: KubeObject): boolean =>
  obj.metadata.deletionTimestamp !== undefined &&
  (obj.metadata.finalizers ?? []).length === 0 &&
  (obj.metadata.deletionGracePeriodSeconds ?? 0) === 0;

