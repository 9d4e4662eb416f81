// For unit tests: an in-memory API with Kubernetes' deletion rules (preconditions, propagation
// finalizers, removal when the last finalizer goes) that tells a GraphBuilder of every change
// at once, as an informer would, plus a driver that works the collector's queues until idle.
import { conflict, notFound } from '../../apimachinery/errors.js';
import type { OwnerReference } from '../../apimachinery/meta.js';
import type { ApiObject } from '../../client/types.js';
import { AbsentOwnerCache } from './absent-owner-cache.js';
import { Collector, type Recorder } from './collector.js';
import { GraphBuilder } from './graph-builder.js';
import { DependencyGraph, FINALIZER_FOREGROUND, FINALIZER_ORPHAN } from './graph.js';
import { type DeleteRequest, type ObjectAccess, type ObjectCoordinates, UnknownKindError } from './object-access.js';

const NAMESPACED: Record<string, boolean> = { ConfigMap: true, Pod: true, ReplicaSet: true, Deployment: true, Node: false, Namespace: false, ClusterRole: false };
const gr = { group: '', resource: 'objects' };

export class FakeWorld implements ObjectAccess {
  readonly objects = new Map<string, ApiObject>();
  readonly removed: string[] = [];
  readonly calls: string[] = [];
  /** Fail the next delete of this name with a Conflict (to test the retry). */
  conflictOnce = new Set<string>();
  #rv = 1;
  #uid = 1;

  readonly graph = new DependencyGraph();
  readonly absent = new AbsentOwnerCache();
  readonly deleteQueue = new Set<string>();
  readonly orphanQueue = new Set<string>();
  readonly events: string[] = [];
  readonly builder = new GraphBuilder(this.graph, this.absent, {
    attemptToDelete: (node) => this.deleteQueue.add(node.uid),
    attemptToOrphan: (node) => this.orphanQueue.add(node.uid),
  });
  readonly recorder: Recorder = { event: (obj, type, reason, message) => this.events.push(`${type} ${reason} ${obj.name}: ${message}`) };
  readonly collector = new Collector(this.builder, this, this.absent, this.recorder);

  /** Creates an object; `owners` are objects (or bare references) it is owned by. */
  create(kind: string, name: string, opts: { namespace?: string; owners?: Array<ApiObject | OwnerReference>; block?: boolean; finalizers?: string[] } = {}): ApiObject {
    const namespaced = this.isNamespaced('v1', kind);
    const obj: ApiObject = {
      apiVersion: 'v1',
      kind,
      metadata: {
        name,
        namespace: namespaced ? (opts.namespace ?? 'default') : undefined,
        uid: `uid-${name}-${this.#uid++}`,
        resourceVersion: String(this.#rv++),
        ownerReferences: opts.owners?.map((o) => ('uid' in o ? o : { apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata!.name!, uid: o.metadata!.uid!, ...(opts.block ? { blockOwnerDeletion: true } : {}) })),
        finalizers: opts.finalizers,
      },
    };
    if (!obj.metadata!.ownerReferences) delete obj.metadata!.ownerReferences;
    this.objects.set(obj.metadata!.uid!, obj);
    this.builder.observe(structuredClone(obj));
    return obj;
  }

  find(name: string): ApiObject | undefined {
    return [...this.objects.values()].find((o) => o.metadata?.name === name);
  }

  isNamespaced(_apiVersion: string, kind: string): boolean {
    const namespaced = NAMESPACED[kind];
    if (namespaced === undefined) throw new UnknownKindError(_apiVersion, kind);
    return namespaced;
  }

  #lookup(ref: ObjectCoordinates): ApiObject | undefined {
    const namespace = this.isNamespaced(ref.apiVersion, ref.kind) ? ref.namespace : '';
    return [...this.objects.values()].find((o) => o.kind === ref.kind && o.metadata?.name === ref.name && (o.metadata?.namespace ?? '') === namespace);
  }

  async get(ref: ObjectCoordinates): Promise<ApiObject | undefined> {
    this.calls.push(`get ${ref.kind}/${ref.name}`);
    const obj = this.#lookup(ref);
    return obj ? structuredClone(obj) : undefined;
  }

  /** What a user's DELETE does (the apiserver's side of propagation). */
  userDelete(name: string, propagationPolicy: DeleteRequest['propagationPolicy']): void {
    const obj = this.find(name)!;
    this.#delete(obj, propagationPolicy);
  }

  async delete(ref: ObjectCoordinates, req: DeleteRequest): Promise<void> {
    this.calls.push(`delete ${ref.kind}/${ref.name} ${req.propagationPolicy}`);
    const obj = this.#lookup(ref);
    if (!obj) return;
    if (this.conflictOnce.delete(ref.name)) throw conflict(gr, ref.name, 'injected');
    if (obj.metadata?.uid !== req.uid) throw conflict(gr, ref.name, 'Precondition failed: UID');
    if (req.resourceVersion && obj.metadata?.resourceVersion !== req.resourceVersion) throw conflict(gr, ref.name, 'Precondition failed: ResourceVersion');
    this.#delete(obj, req.propagationPolicy);
  }

  #delete(obj: ApiObject, policy: DeleteRequest['propagationPolicy']): void {
    const meta = obj.metadata!;
    let finalizers = (meta.finalizers ?? []).filter((f) => f !== FINALIZER_ORPHAN && f !== FINALIZER_FOREGROUND);
    if (policy === 'Orphan') finalizers = [...finalizers, FINALIZER_ORPHAN];
    if (policy === 'Foreground') finalizers = [...finalizers, FINALIZER_FOREGROUND];
    if (finalizers.length === 0) return this.#remove(obj);
    meta.finalizers = finalizers;
    meta.deletionTimestamp ??= '2025-01-01T00:00:00Z';
    meta.resourceVersion = String(this.#rv++);
    this.builder.observe(structuredClone(obj));
  }

  async mergePatch(ref: ObjectCoordinates, patch: unknown): Promise<ApiObject> {
    const obj = this.#lookup(ref);
    if (!obj) throw notFound(gr, ref.name);
    const meta = (patch as { metadata: Record<string, unknown> }).metadata;
    this.calls.push(`patch ${ref.kind}/${ref.name} ${JSON.stringify(Object.keys(meta).filter((k) => k !== 'uid' && k !== 'resourceVersion'))}`);
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== obj.metadata?.resourceVersion) throw conflict(gr, ref.name, 'rv');
    for (const key of ['ownerReferences', 'finalizers'] as const) {
      if (!(key in meta)) continue;
      if (meta[key] === null) delete obj.metadata![key];
      else (obj.metadata as Record<string, unknown>)[key] = meta[key];
    }
    obj.metadata!.resourceVersion = String(this.#rv++);
    if (obj.metadata?.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0) this.#remove(obj);
    else this.builder.observe(structuredClone(obj));
    return structuredClone(obj);
  }

  #remove(obj: ApiObject): void {
    this.objects.delete(obj.metadata!.uid!);
    this.removed.push(obj.metadata!.name!);
    this.builder.observeDeleted(structuredClone(obj));
  }

  /** Works both queues until nothing is left (items asking to be requeued are retried a few times). */
  async drain(maxRounds = 50): Promise<void> {
    for (let round = 0; round < maxRounds && (this.deleteQueue.size > 0 || this.orphanQueue.size > 0); round++) {
      const deletes = [...this.deleteQueue];
      this.deleteQueue.clear();
      const requeue: string[] = [];
      for (const uid of deletes) {
        const node = this.graph.get(uid);
        if (node && (await this.collector.attemptToDelete(node)) === 'requeue') requeue.push(uid);
      }
      const orphans = [...this.orphanQueue];
      this.orphanQueue.clear();
      for (const uid of orphans) {
        const node = this.graph.get(uid);
        if (node) await this.collector.attemptToOrphan(node);
      }
      if (round < maxRounds / 2) requeue.forEach((uid) => this.deleteQueue.add(uid));
    }
  }
}
