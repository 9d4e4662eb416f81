// An in-memory Client for unit tests of controllers, the scheduler and informers: the
// apiserver's observable rules (resourceVersion CAS, AlreadyExists/NotFound/Conflict, generation,
// status kept apart from spec on update, finalizers, selectors, paging, watch history, 410 after
// compaction) without HTTP. Create keeps whatever it is given, status included, so tests can
// seed objects in any state. Every call is recorded in `actions`; reactors can fail or answer calls.
import { randomBytes, randomUUID } from 'node:crypto';
import { type Status, alreadyExists, badRequest, conflict, expired, notFound } from '../../apimachinery/errors.js';
import { formatTime } from '../../apimachinery/meta.js';
import { applyJsonPatch } from '../../apiserver/patch/json-patch.js';
import type { JsonObject } from '../../apiserver/patch/json.js';
import { applyMergePatch } from '../../apiserver/patch/merge-patch.js';
import { schemaFor } from '../../apiserver/patch/patch-meta.js';
import { applyStrategicMergePatch } from '../../apiserver/patch/strategic-merge-patch.js';
import { type Clock, realClock } from '../clock.js';
import { apiVersionOf, resourceKey } from '../resources.js';
import { type ResourceClient, resourceClient } from '../typed.js';
import type {
  ApiObject, Client, CreateOptions, DeleteOptions, GetOptions, ListOptions, ObjectList, PatchOptions, PatchType, ResourceType, Watch, WatchOptions, WriteOptions,
} from '../types.js';
import { WatchChannel } from '../watch-stream.js';
import { Tracker } from './tracker.js';

export interface FakeAction {
  verb: 'get' | 'list' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'watch';
  /** "group/version/resource" as resourceKey() spells it. */
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  object?: unknown;
  /** list and watch: the resourceVersion asked for. */
  resourceVersion?: string;
}

/** Throw (a StatusError) to fail the call, return an object to answer it, or undefined to let it run. */
export type Reactor = (action: FakeAction) => unknown;

export interface FakeClientOptions {
  clock?: Clock;
  /** How a watch from a compacted resourceVersion fails: an in-stream ERROR (kite, kube-apiserver's cache) or an HTTP 410. */
  expiredWatchAs?: 'event' | 'http';
}

type Obj = ApiObject & Record<string, unknown>;

export class FakeClient implements Client {
  readonly tracker = new Tracker();
  readonly actions: FakeAction[] = [];
  readonly #reactors: Reactor[] = [];
  readonly #clock: Clock;
  readonly #opts: FakeClientOptions;

  constructor(opts: FakeClientOptions = {}) {
    this.#opts = opts;
    this.#clock = opts.clock ?? realClock;
  }

  prependReactor(reactor: Reactor): void {
    this.#reactors.unshift(reactor);
  }

  resource<T = ApiObject>(type: ResourceType): ResourceClient<T> {
    return resourceClient<T>(this, type);
  }

  async get<T = ApiObject>(type: ResourceType, namespace: string | undefined, name: string, opts: GetOptions = {}): Promise<T> {
    const answer = this.#react({ verb: 'get', resource: resourceKey(type), namespace, name, subresource: opts.subresource });
    if (answer !== undefined) return answer as T;
    return structuredClone(this.#existing(type, namespace, name)) as T;
  }

  async list<T = ApiObject>(type: ResourceType, namespace: string | undefined, opts: ListOptions = {}): Promise<ObjectList<T>> {
    const answer = this.#react({ verb: 'list', resource: resourceKey(type), namespace, resourceVersion: opts.resourceVersion });
    if (answer !== undefined) return answer as ObjectList<T>;
    let items = this.tracker.list(type, { namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
    let rv = String(this.tracker.resourceVersion);
    if (opts.continue) {
      const token = JSON.parse(Buffer.from(opts.continue, 'base64url').toString('utf8')) as { rv: string; after: string };
      if (Number(token.rv) < this.tracker.compactedResourceVersion) throw expired('The provided continue parameter is too old to display a consistent list result.');
      // The fake keeps no snapshots: later pages show the current state after the last key.
      items = items.filter((obj) => keyOf(obj) > token.after);
      rv = token.rv;
    }
    const limit = opts.allPages ? 0 : (opts.limit ?? 0);
    const metadata: ObjectList<T>['metadata'] = { resourceVersion: rv };
    if (limit > 0 && items.length > limit) {
      items = items.slice(0, limit);
      metadata.continue = Buffer.from(JSON.stringify({ rv, after: keyOf(items[items.length - 1]!) })).toString('base64url');
    }
    return { apiVersion: apiVersionOf(type), kind: `${type.kind ?? ''}List`, metadata, items: items.map((obj) => structuredClone(obj) as T) };
  }

  async create<T = ApiObject>(type: ResourceType, namespace: string | undefined, obj: T, opts: CreateOptions = {}): Promise<T> {
    const input = structuredClone(obj) as Obj;
    const ns = type.namespaced ? namespace || input.metadata?.namespace || '' : undefined;
    const answer = this.#react({ verb: 'create', resource: resourceKey(type), namespace: ns, name: opts.name ?? input.metadata?.name, subresource: opts.subresource, object: input });
    if (answer !== undefined) return answer as T;
    if (opts.subresource) return this.#createSubresource(type, ns, opts.name ?? input.metadata?.name ?? '', opts.subresource, input) as T;
    if (type.namespaced && !ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    const meta = { ...input.metadata };
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomBytes(4).toString('hex').slice(0, 5);
    if (!meta.name) throw badRequest('name or generateName is required');
    if (this.tracker.get(type, keyFor(ns, meta.name))) throw alreadyExists(type, meta.name);
    if (opts.dryRun) return input as T;
    const created: Obj = {
      ...input,
      apiVersion: input.apiVersion ?? apiVersionOf(type),
      kind: input.kind ?? type.kind,
      metadata: { ...meta, ...(ns ? { namespace: ns } : {}), uid: randomUUID(), creationTimestamp: formatTime(this.#clock.now()), generation: 1, resourceVersion: this.tracker.nextResourceVersion() },
    };
    this.tracker.record(type, 'ADDED', created);
    return structuredClone(created) as T;
  }

  async update<T = ApiObject>(type: ResourceType, namespace: string | undefined, obj: T, opts: WriteOptions = {}): Promise<T> {
    const input = structuredClone(obj) as Obj;
    const ns = type.namespaced ? namespace || input.metadata?.namespace : undefined;
    const name = input.metadata?.name ?? '';
    const answer = this.#react({ verb: 'update', resource: resourceKey(type), namespace: ns, name, subresource: opts.subresource, object: input });
    if (answer !== undefined) return answer as T;
    return this.#write(type, ns, name, opts, () => input, input.metadata?.resourceVersion) as T;
  }

  updateStatus<T = ApiObject>(type: ResourceType, namespace: string | undefined, obj: T, opts: WriteOptions = {}): Promise<T> {
    return this.update(type, namespace, obj, { ...opts, subresource: 'status' });
  }

  async patch<T = ApiObject>(type: ResourceType, namespace: string | undefined, name: string, patchType: PatchType, patch: unknown, opts: PatchOptions = {}): Promise<T> {
    const answer = this.#react({ verb: 'patch', resource: resourceKey(type), namespace, name, subresource: opts.subresource, object: patch });
    if (answer !== undefined) return answer as T;
    const apply = (current: Obj): Obj => {
      const doc = current as unknown as JsonObject;
      if (patchType === 'json') return applyJsonPatch(doc, patch) as unknown as Obj;
      if (patchType === 'strategic') return applyStrategicMergePatch(doc, patch, schemaFor(current.apiVersion ?? '', current.kind ?? '')) as unknown as Obj;
      return applyMergePatch(doc, patch) as unknown as Obj; // merge; apply is approximated by a merge
    };
    const patchRv = (patch as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion;
    return this.#write(type, namespace, name, opts, apply, patchType === 'json' ? undefined : patchRv) as T;
  }

  async delete<T = ApiObject>(type: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<T | Status> {
    const answer = this.#react({ verb: 'delete', resource: resourceKey(type), namespace, name });
    if (answer !== undefined) return answer as T;
    const current = this.#existing(type, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== current.metadata?.uid) throw conflict(type, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata?.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata?.resourceVersion) throw conflict(type, name, 'the object has been modified; please apply your changes to the latest version and try again');
    if (opts.dryRun) return structuredClone(current) as T;
    if ((current.metadata?.finalizers?.length ?? 0) > 0 || opts.propagationPolicy === 'Foreground') {
      if (current.metadata?.deletionTimestamp) return structuredClone(current) as T;
      const marked = { ...current, metadata: { ...current.metadata, deletionTimestamp: formatTime(this.#clock.now()), deletionGracePeriodSeconds: 0, resourceVersion: this.tracker.nextResourceVersion() } };
      if (opts.propagationPolicy === 'Foreground') marked.metadata.finalizers = [...new Set([...(marked.metadata.finalizers ?? []), 'foregroundDeletion'])];
      this.tracker.record(type, 'MODIFIED', marked, current);
      return structuredClone(marked) as T;
    }
    return this.#remove(type, current) as T;
  }

  async deleteCollection<T = ApiObject>(type: ResourceType, namespace: string | undefined, opts: DeleteOptions & Omit<ListOptions, 'allPages' | 'signal'> = {}): Promise<ObjectList<T> | Status> {
    const answer = this.#react({ verb: 'deletecollection', resource: resourceKey(type), namespace });
    if (answer !== undefined) return answer as ObjectList<T>;
    const items = this.tracker.list(type, { namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
    for (const item of items) await this.delete(type, item.metadata?.namespace, item.metadata?.name ?? '', opts);
    return { apiVersion: apiVersionOf(type), kind: `${type.kind ?? ''}List`, metadata: {}, items: items.map((obj) => structuredClone(obj) as T) };
  }

  async watch<T = ApiObject>(type: ResourceType, namespace: string | undefined, opts: WatchOptions = {}): Promise<Watch<T>> {
    const answer = this.#react({ verb: 'watch', resource: resourceKey(type), namespace, resourceVersion: opts.resourceVersion });
    if (answer !== undefined) return answer as Watch<T>;
    const channel = new WatchChannel<ApiObject>({ onEvent: opts.onEvent, signal: opts.signal });
    const filter = { namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector };
    this.tracker.watch(type, filter, opts.resourceVersion ?? '', opts.allowWatchBookmarks === true, channel, this.#opts.expiredWatchAs ?? 'event');
    return channel as unknown as Watch<T>;
  }

  /** Get -> change -> CAS write shared by update and patch; status and spec kept apart like the registry does. */
  #write(type: ResourceType, namespace: string | undefined, name: string, opts: WriteOptions, change: (current: Obj) => Obj, expectRv: string | undefined): Obj {
    const current = this.#existing(type, namespace, name);
    if (expectRv && expectRv !== current.metadata?.resourceVersion) {
      throw conflict(type, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const changed = change(structuredClone(current));
    let next: Obj;
    // Objects with a spec have a status subresource (true of every built-in kind): each side keeps the other's part.
    const splitStatus = 'spec' in current || 'spec' in changed;
    if (opts.subresource === 'status') next = { ...current, status: changed.status };
    else if (splitStatus) {
      next = { ...changed, status: current.status };
      if (current.status === undefined) delete next.status;
    } else next = changed;
    next.metadata = { ...(opts.subresource === 'status' ? current.metadata : changed.metadata), uid: current.metadata?.uid, creationTimestamp: current.metadata?.creationTimestamp, namespace: current.metadata?.namespace, name };
    if (!next.metadata.namespace) delete next.metadata.namespace;
    if (current.metadata?.deletionTimestamp) next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    next.metadata.generation = current.metadata?.generation ?? 1;
    if (opts.subresource !== 'status' && JSON.stringify(changed.spec) !== JSON.stringify(current.spec)) next.metadata.generation += 1;
    if (opts.dryRun) return next;
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers?.length ?? 0) === 0) return this.#remove(type, { ...next, metadata: next.metadata });
    next.metadata.resourceVersion = this.tracker.nextResourceVersion();
    this.tracker.record(type, 'MODIFIED', next, current);
    return structuredClone(next);
  }

  #remove(type: ResourceType, current: ApiObject): Obj {
    const gone = { ...current, metadata: { ...current.metadata, resourceVersion: this.tracker.nextResourceVersion() } };
    this.tracker.record(type, 'DELETED', gone, current);
    return structuredClone(gone) as Obj;
  }

  /** pods/NAME/binding sets spec.nodeName; pods/NAME/eviction deletes the pod; others are only recorded. */
  #createSubresource(type: ResourceType, namespace: string | undefined, name: string, subresource: string, body: Obj): unknown {
    if (subresource === 'binding') {
      const node = (body.target as { name?: string } | undefined)?.name ?? '';
      this.#write(type, namespace, name, {}, (pod) => ({ ...pod, spec: { ...(pod.spec as object), nodeName: node } }), undefined);
      return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
    }
    if (subresource === 'eviction') {
      this.#remove(type, this.#existing(type, namespace, name));
      return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
    }
    return body;
  }

  #existing(type: ResourceType, namespace: string | undefined, name: string): Obj {
    const obj = this.tracker.get(type, keyFor(type.namespaced ? namespace : undefined, name));
    if (!obj) throw notFound(type, name);
    return obj as Obj;
  }

  #react(action: FakeAction): unknown {
    this.actions.push(action);
    for (const reactor of this.#reactors) {
      const answer = reactor(action);
      if (answer !== undefined) return answer;
    }
    return undefined;
  }
}

const keyFor = (namespace: string | undefined, name: string): string => (namespace ? `${namespace}/${name}` : name);
const keyOf = (obj: ApiObject): string => keyFor(obj.metadata?.namespace, obj.metadata?.name ?? '');
