/// <reference types="node" />
// One Store watch = one etcd watch on its own gRPC stream, resumed after a broken connection from
// the last delivered revision, so every event arrives once and in order.
//
// etcd3's WatchManager is not used: it resumes from the response header's revision (which can run
// ahead of the events delivered while catching up) and hides compaction inside a generic error.
import type { Etcd3, IDuplexStream, IEvent, IWatchRequest, IWatchResponse } from 'etcd3';
import { StoreError, type KeyValue, type Watch, type WatchEvent, type WatchOptions } from '../store.js';
import { toStoreError } from './etcd-errors.js';
import type { KeySpace } from './etcd-keys.js';

type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

export interface WatchTiming {
  /** Give up with "Unavailable" after failing to (re)connect for this long. */
  reconnectTimeoutMs: number;
}

const MAX_BACKOFF_MS = 2_000;

export class EtcdWatch implements Watch {
  private stream: WatchStream | undefined;
  private lastRevision: number;
  private done = false;
  private failingSince: number | undefined;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private progressWanted = false;

  constructor(
    private readonly client: Etcd3,
    private readonly keys: KeySpace,
    private readonly prefix: string,
    private readonly opts: WatchOptions,
    private readonly timing: WatchTiming,
    private readonly onFinished: (w: EtcdWatch) => void,
  ) {
    this.lastRevision = opts.afterRevision;
    this.connect();
  }

  cancel(): void {
    this.finish();
  }

  /** etcd's progress notify: an event-less response carrying the revision all events are delivered up to. */
  requestProgress(): void {
    if (this.done || !this.stream || !this.opts.onProgress) return;
    this.progressWanted = true;
    this.stream.write({ progress_request: {} });
  }

  /** Ends the watch with an error (at most once; nothing is delivered afterwards). */
  fail(err: StoreError): void {
    if (this.done) return;
    this.finish();
    this.opts.onError(err);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.retryTimer);
    this.closeStream();
    this.onFinished(this);
  }

  private closeStream(): void {
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    // end() first: etcd3 resets the whole connection to a host when a still-writable stream errors,
    // and cancel() makes the stream emit a CANCELLED error.
    stream.end();
    stream.cancel();
  }

  private connect(): void {
    const range = this.keys.range(this.prefix);
    this.client.watchClient.watch().then(
      (stream) => {
        if (this.done) {
          stream.end();
          stream.cancel();
          return;
        }
        this.stream = stream;
        stream.on('data', (res) => this.stream === stream && this.onResponse(res));
        stream.on('error', (err) => this.stream === stream && this.onBroken(err));
        stream.on('end', () => this.stream === stream && this.onBroken(new Error('etcd closed the watch stream')));
        stream.write({
          create_request: { ...range, start_revision: this.lastRevision + 1, prev_kv: true },
        });
      },
      (err: unknown) => this.onBroken(err),
    );
  }

  private onResponse(res: IWatchResponse): void {
    if (res.created) {
      this.failingSince = undefined;
      this.attempt = 0;
    }
    if (res.canceled) {
      if (res.compact_revision !== '0' && res.compact_revision !== '') {
        this.fail(new StoreError('Expired',
          `watch from revision ${this.lastRevision + 1}: etcd compacted history up to ${res.compact_revision}`));
      } else {
        this.fail(new StoreError('Unavailable', `etcd cancelled the watch: ${res.cancel_reason || 'no reason given'}`));
      }
      return;
    }
    if (res.events.length === 0) {
      // With one watch per stream, an event-less response that is not the creation is progress.
      if (!res.created && this.progressWanted && res.header) {
        this.progressWanted = false;
        const revision = Number(res.header.revision);
        if (revision > this.lastRevision) this.lastRevision = revision;
        this.opts.onProgress?.(this.lastRevision);
      }
      return;
    }
    // etcd sends whole revisions per response; a resumed stream starts after lastRevision, so this
    // filter only guards against a server that replays.
    const events: WatchEvent[] = [];
    for (const ev of res.events) {
      const event = this.toEvent(ev);
      if (event.revision > this.lastRevision) events.push(event);
    }
    if (events.length === 0) return;
    this.lastRevision = events[events.length - 1].revision;
    try {
      this.opts.onEvents(events);
    } catch (err) {
      // A consumer bug must not be mistaken for a broken stream: surface it outside this handler.
      setImmediate(() => {
        throw err;
      });
    }
  }

  private toEvent(ev: IEvent): WatchEvent {
    const kv = this.keys.decode(ev.kv);
    const prevKv: KeyValue | undefined = ev.prev_kv ? this.keys.decode(ev.prev_kv) : undefined;
    if (ev.type === 'Delete') {
      // etcd's delete event carries only the key; the contract wants the value it had.
      const deleted: KeyValue = {
        key: kv.key,
        value: prevKv?.value ?? new Uint8Array(0),
        createRevision: prevKv?.createRevision ?? 0,
        modRevision: kv.modRevision,
      };
      return { type: 'DELETE', kv: deleted, prevKv, revision: kv.modRevision };
    }
    return { type: 'PUT', kv, prevKv, revision: kv.modRevision };
  }

  private onBroken(err: unknown): void {
    if (this.done) return;
    this.closeStream();
    const mapped = toStoreError(err);
    if (mapped instanceof StoreError && mapped.code === 'Closed') {
      this.fail(mapped);
      return;
    }
    const now = Date.now();
    this.failingSince ??= now;
    if (now - this.failingSince >= this.timing.reconnectTimeoutMs) {
      const message = err instanceof Error ? err.message : String(err);
      this.fail(new StoreError('Unavailable',
        `etcd watch could not reconnect for ${now - this.failingSince} ms: ${message}`, { cause: err }));
      return;
    }
    const delay = Math.min(MAX_BACKOFF_MS, 50 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => {
      if (!this.done) this.connect();
    }, delay);
  }
}
