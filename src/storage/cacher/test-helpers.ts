// Shared pieces of the cacher's tests: a tiny object type, its codec, and an event collector.
import type { KeyValue, Store } from '../store.js';
import { Cacher } from './cacher.js';
import type { CacherEvent, CacherOptions, CacherWatchOptions, Logger, WatchTerminated } from './types.js';

export interface TestObject {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string };
  data?: string;
}

export const PREFIX = '/registry/things/';

export const keyOf = (ns: string, name: string): string => `${PREFIX}${ns}/${name}`;

export const encode = (ns: string, name: string, data = '', labels?: Record<string, string>): Uint8Array =>
  Buffer.from(JSON.stringify({ metadata: { name, namespace: ns, ...(labels ? { labels } : {}) }, data }));

export const decode = (kv: KeyValue): TestObject => JSON.parse(Buffer.from(kv.value).toString('utf8')) as TestObject;

export const quietLogger: Logger = { warn: () => {} };

export function newCacher(store: Store, opts: Partial<CacherOptions<TestObject>> = {}): Cacher<TestObject> {
  return new Cacher<TestObject>({ store, prefix: PREFIX, decode, logger: quietLogger, ...opts });
}

/** Waits until cond() holds, checking after each event-loop turn. */
export async function until(cond: () => boolean, timeoutMs = 2_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A watch consumer that records everything it gets. */
export class Collector {
  readonly events: CacherEvent<TestObject>[] = [];
  error: WatchTerminated | null = null;

  options(extra: Omit<CacherWatchOptions<TestObject>, 'onEvent' | 'onError'> = {}): CacherWatchOptions<TestObject> {
    return {
      ...extra,
      onEvent: (e) => {
        this.events.push(e);
      },
      onError: (err) => {
        this.error = err;
      },
    };
  }

  get objectEvents(): Array<{ type: string; name: string; rv: string | undefined; revision: number }> {
    const out = [];
    for (const e of this.events) {
      if (e.type !== 'BOOKMARK') {
        out.push({ type: e.type, name: e.object.metadata.name, rv: e.object.metadata.resourceVersion, revision: e.revision });
      }
    }
    return out;
  }

  get bookmarks(): number[] {
    return this.events.flatMap((e) => (e.type === 'BOOKMARK' ? [e.revision] : []));
  }

  async waitForObjects(n: number, timeoutMs = 2_000): Promise<void> {
    await until(() => this.objectEvents.length >= n, timeoutMs, `${n} events (have ${this.objectEvents.length})`);
  }
}
