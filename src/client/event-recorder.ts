// Records core/v1 Events about objects, as client-go's record.EventRecorder does for controllers:
// fire-and-forget, written in order in the background, and a repeat of the same event (same
// object, type, reason, message, source) bumps count and lastTimestamp on the existing Event
// instead of creating another.
import { formatTime } from '../apimachinery/meta.js';
import { type Clock, realClock } from './clock.js';
import { isNotFound } from './errors.js';
import { EVENTS } from './resources.js';
import type { ApiObject, Client } from './types.js';

export type EventType = 'Normal' | 'Warning';

export interface EventSource {
  /** "deployment-controller", "default-scheduler", "kubelet". */
  component: string;
  /** The node, for the agent. */
  host?: string;
}

export interface EventRecorderOptions {
  clock?: Clock;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Distinct events remembered for aggregation (client-go keeps 4096). */
  maxCacheEntries?: number;
  /** Events waiting to be written beyond which new ones are dropped (client-go's queue holds 1000). */
  maxPending?: number;
}

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

export class EventRecorder {
  readonly #client: Pick<Client, 'create' | 'patch'>;
  readonly #source: EventSource;
  readonly #clock: Clock;
  readonly #opts: EventRecorderOptions;
  /** Insertion-ordered, so the oldest entry is evicted first. */
  readonly #seen = new Map<string, Seen>();
  #chain: Promise<void> = Promise.resolve();
  #pending = 0;
  #sequence = 0;

  constructor(client: Pick<Client, 'create' | 'patch'>, source: EventSource, opts: EventRecorderOptions = {}) {
    this.#client = client;
    this.#source = source;
    this.#clock = opts.clock ?? realClock;
    this.#opts = opts;
  }

  /** Records an event about `obj` (an object, or a reference to one). Never throws, never waits. */
  event(obj: ApiObject | ObjectReference, type: EventType, reason: string, message: string): void {
    const ref = toReference(obj);
    if ((this.#pending) >= (this.#opts.maxPending ?? 1000)) {
      this.#opts.log?.('event dropped: too many pending', { reason, object: `${ref.namespace ?? ''}/${ref.name ?? ''}` });
      return;
    }
    this.#pending++;
    const at = formatTime(this.#clock.now());
    this.#chain = this.#chain
      .then(() => this.#write(ref, type, reason, message, at))
      .catch((err: unknown) => this.#opts.log?.('event not recorded', { reason, object: ref.name, error: err instanceof Error ? err.message : String(err) }))
      .finally(() => this.#pending--);
  }

  /** Resolves when every event recorded so far has been written (or failed). */
  flush(): Promise<void> {
    return this.#chain;
  }

  async #write(ref: ObjectReference, type: EventType, reason: string, message: string, at: string): Promise<void> {
    const key = JSON.stringify([this.#source.component, this.#source.host ?? '', ref.kind, ref.namespace, ref.name, ref.uid, ref.apiVersion, ref.fieldPath, type, reason, message]);
    const seen = this.#seen.get(key);
    if (seen) {
      const count = seen.count + 1;
      try {
        await this.#client.patch(EVENTS, seen.namespace, seen.name, 'merge', { count, lastTimestamp: at, message });
        seen.count = count;
        this.#remember(key, seen);
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        // The Event expired (TTL) or was deleted: start a new one, keeping the tally.
        await this.#create(key, ref, type, reason, message, seen.firstTimestamp, at, count);
        return;
      }
    }
    await this.#create(key, ref, type, reason, message, at, at, 1);
  }

  async #create(key: string, ref: ObjectReference, type: EventType, reason: string, message: string, first: string, last: string, count: number): Promise<void> {
    const namespace = ref.namespace || 'default';
    // client-go names events "<object>.<unix nanoseconds in hex>"; the sequence keeps two in one millisecond apart.
    const nanos = BigInt(this.#clock.now()) * 1_000_000n + BigInt(this.#sequence++ % 1_000_000);
    const name = `${ref.name ?? 'unknown'}.${nanos.toString(16)}`;
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      type,
      source: { component: this.#source.component, ...(this.#source.host ? { host: this.#source.host } : {}) },
      firstTimestamp: first,
      lastTimestamp: last,
      count,
      reportingComponent: this.#source.component,
      reportingInstance: this.#source.host ?? '',
    };
    await this.#client.create(EVENTS, namespace, event);
    this.#remember(key, { name, namespace, count, firstTimestamp: first });
  }

  #remember(key: string, seen: Seen): void {
    this.#seen.delete(key);
    this.#seen.set(key, seen);
    const max = this.#opts.maxCacheEntries ?? 4096;
    while (this.#seen.size > max) this.#seen.delete(this.#seen.keys().next().value!);
  }
}

function toReference(obj: ApiObject | ObjectReference): ObjectReference {
  if (!('metadata' in obj) || obj.metadata === undefined) return { ...(obj as ObjectReference) };
  const o = obj as ApiObject;
  const ref: ObjectReference = { kind: o.kind, namespace: o.metadata?.namespace, name: o.metadata?.name, uid: o.metadata?.uid, apiVersion: o.apiVersion, resourceVersion: o.metadata?.resourceVersion };
  for (const k of Object.keys(ref) as Array<keyof ObjectReference>) if (ref[k] === undefined || ref[k] === '') delete ref[k];
  return ref;
}
