// The fake API's memory: objects per resource, one global resourceVersion like etcd's revision,
// an event history for watches from an older version, compaction (410), and live watchers with
// the apiserver's selector rules (an object leaving a watch's selector arrives as DELETED).
import { expired } from '../../apimachinery/errors.js';
import { type FieldSelector, parseFieldSelector } from '../../apimachinery/fields.js';
import { type Selector, parseSelector } from '../../apimachinery/labels.js';
import { objectKey } from '../indexer.js';
import { apiVersionOf, resourceKey } from '../resources.js';
import type { ApiObject, ResourceType, WatchEvent } from '../types.js';
import { WatchChannel } from '../watch-stream.js';

export interface Filter {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

interface Change {
  rv: number;
  resource: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: ApiObject;
  old?: ApiObject;
}

interface Watcher {
  resource: string;
  matches: (obj: ApiObject) => boolean;
  channel: WatchChannel<ApiObject>;
  bookmarks: boolean;
  type: ResourceType;
}

/** A matcher for a namespace plus label and field selectors (fields by dotted path: spec.nodeName). */
export function matcher(filter: Filter): (obj: ApiObject) => boolean {
  const labels: Selector | undefined = filter.labelSelector ? parseSelector(filter.labelSelector) : undefined;
  const fields: FieldSelector | undefined = filter.fieldSelector ? parseFieldSelector(filter.fieldSelector) : undefined;
  return (obj) => {
    if (filter.namespace && obj.metadata?.namespace !== filter.namespace) return false;
    if (labels && !labels.matches(obj.metadata?.labels)) return false;
    if (fields) {
      const set: Record<string, string> = {};
      for (const field of fields.fields()) set[field] = fieldValue(obj, field);
      if (!fields.matches(set)) return false;
    }
    return true;
  };
}

function fieldValue(obj: ApiObject, path: string): string {
  let value: unknown = obj;
  for (const part of path.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  return value === undefined || value === null ? '' : String(value);
}

export class Tracker {
  #rv = 0;
  #compacted = 0;
  readonly #objects = new Map<string, Map<string, ApiObject>>();
  #history: Change[] = [];
  readonly #watchers = new Set<Watcher>();

  get resourceVersion(): number {
    return this.#rv;
  }

  get compactedResourceVersion(): number {
    return this.#compacted;
  }

  nextResourceVersion(): string {
    return String(++this.#rv);
  }

  get(type: ResourceType, key: string): ApiObject | undefined {
    return this.#bucket(type).get(key);
  }

  /** Matching objects in key order. */
  list(type: ResourceType, filter: Filter): ApiObject[] {
    const match = matcher(filter);
    return [...this.#bucket(type).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, obj]) => obj)
      .filter(match);
  }

  /** Stores a write already stamped with the next resourceVersion and tells the watchers. */
  record(type: ResourceType, change: 'ADDED' | 'MODIFIED' | 'DELETED', obj: ApiObject, old?: ApiObject): void {
    const key = objectKey(obj);
    if (change === 'DELETED') this.#bucket(type).delete(key);
    else this.#bucket(type).set(key, obj);
    const entry: Change = { rv: Number(obj.metadata?.resourceVersion), resource: resourceKey(type), type: change, obj, old };
    this.#history.push(entry);
    for (const watcher of this.#watchers) this.#deliver(watcher, entry);
  }

  /** Forgets history up to now: watches and continue tokens from older versions get 410 Expired. */
  compact(): void {
    this.#compacted = this.#rv;
    this.#history = [];
  }

  /** Opens a watch; throws 410 Expired (as an HTTP error) when `expiredAs` is 'http' and the version is compacted. */
  watch(type: ResourceType, filter: Filter, resourceVersion: string, bookmarks: boolean, channel: WatchChannel<ApiObject>, expiredAs: 'event' | 'http'): void {
    const matches = matcher(filter);
    const watcher: Watcher = { resource: resourceKey(type), matches, channel, bookmarks, type };
    const from = resourceVersion === '' || resourceVersion === '0' ? undefined : Number(resourceVersion);
    if (from !== undefined && from < this.#compacted) {
      const err = expired(`too old resource version: ${from} (${this.#compacted})`);
      if (expiredAs === 'http') throw err;
      channel.push({ type: 'ERROR', object: err.status });
      channel.close();
      return;
    }
    if (from === undefined) {
      for (const obj of this.list(type, filter)) channel.push({ type: 'ADDED', object: structuredClone(obj) });
    } else {
      for (const change of this.#history) if (change.rv > from) this.#deliver(watcher, change);
    }
    this.#watchers.add(watcher);
    void channel.ended.then(() => this.#watchers.delete(watcher));
  }

  /** Ends every open watch as a server timeout would. */
  closeWatches(): void {
    for (const watcher of this.#watchers) watcher.channel.close();
    this.#watchers.clear();
  }

  /** Sends a BOOKMARK at the current resourceVersion to every watch that allowed them. */
  sendBookmarks(): void {
    for (const watcher of this.#watchers) {
      if (!watcher.bookmarks) continue;
      const object = { kind: watcher.type.kind, apiVersion: apiVersionOf(watcher.type), metadata: { resourceVersion: String(this.#rv) } };
      watcher.channel.push({ type: 'BOOKMARK', object });
    }
  }

  get openWatches(): number {
    return this.#watchers.size;
  }

  #deliver(watcher: Watcher, change: Change): void {
    if (watcher.resource !== change.resource) return;
    const now = watcher.matches(change.obj);
    const before = change.old !== undefined && watcher.matches(change.old);
    let event: WatchEvent<ApiObject> | undefined;
    if (change.type === 'ADDED') event = now ? { type: 'ADDED', object: change.obj } : undefined;
    else if (change.type === 'DELETED') event = now || before ? { type: 'DELETED', object: change.obj } : undefined;
    else if (now && before) event = { type: 'MODIFIED', object: change.obj };
    else if (now) event = { type: 'ADDED', object: change.obj };
    else if (before) event = { type: 'DELETED', object: change.obj };
    if (event) watcher.channel.push({ ...event, object: structuredClone(event.object) } as WatchEvent<ApiObject>);
  }

  #bucket(type: ResourceType): Map<string, ApiObject> {
    const key = resourceKey(type);
    let bucket = this.#objects.get(key);
    if (!bucket) this.#objects.set(key, (bucket = new Map()));
    return bucket;
  }
}
