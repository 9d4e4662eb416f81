// In-process watch fan-out for backends that own their write path (memory, sqlite).
//
// A watch from an older revision first replays history in chunks (one chunk per event-loop
// turn, so a long replay does not starve writers), then turns live at a moment when it has
// read everything committed so far. Because commits and publish() happen in one synchronous
// step, a live watcher receives exactly the events after the last one it replayed: no gap,
// no duplicate. Each watcher also filters on `revision > after`, which makes that hand-off
// robust against events still queued for fan-out.
import { StoreError, type WatchEvent } from './store.js';
import type { ProgressWatch, ProgressWatchOptions } from './cacher/types.js';

export interface HistorySource {
  /** Revision of the last committed write; every event up to it is readable through readHistory. */
  committedRevision(): number;
  /** Revisions below this are forgotten. */
  compactedRevision(): number;
  /** Events for keys under `prefix` with after < revision <= upTo, oldest first, at most `limit`.
   *  `scannedTo` is the revision up to which the history was examined (upTo unless the limit hit). */
  readHistory(prefix: string, after: number, upTo: number, limit: number): { events: WatchEvent[]; scannedTo: number };
}

interface Watcher {
  prefix: string;
  /** Revision of the last event delivered (or skipped as not ours). */
  after: number;
  live: boolean;
  done: boolean;
  /** A progress notification was asked for while catching up: send it once live. */
  progressWanted: boolean;
  opts: ProgressWatchOptions;
}

const REPLAY_CHUNK = 1000;
const CHUNKS_PER_TURN = 4;

export class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private readonly queue: WatchEvent[][] = [];
  private draining = false;

  constructor(private readonly source: HistorySource) {}

  get size(): number {
    return this.watchers.size;
  }

  watch(prefix: string, opts: ProgressWatchOptions): ProgressWatch {
    const w: Watcher = { prefix, after: opts.afterRevision, live: false, done: false, progressWanted: false, opts };
    this.watchers.add(w);
    if (this.expired(w.after)) {
      // Report after returning the handle, so the caller can hold it when onError runs.
      setImmediate(() => this.fail(w, this.expiredError(w.after)));
    } else if (w.after >= this.source.committedRevision()) {
      w.live = true;
    } else {
      setImmediate(() => this.catchUp(w));
    }
    return { cancel: () => this.remove(w), requestProgress: () => this.requestProgress(w) };
  }

  /** Like etcd's progress notify: tells the watcher every event up to the committed revision
   *  has been delivered, so a cache can serve consistent reads without asking the store. */
  private requestProgress(w: Watcher): void {
    if (w.done || !w.opts.onProgress) return;
    if (!w.live) {
      w.progressWanted = true;
      return;
    }
    // Commits publish synchronously, so once the current fan-out is done a live watcher has
    // seen everything up to the committed revision.
    setImmediate(() => {
      if (w.done || !w.live) return;
      w.opts.onProgress?.(this.source.committedRevision());
    });
  }

  /** Fans out the events of one commit (in revision order) to live watchers. Re-entrant safe:
   *  a write made from inside a callback is queued and delivered after the current batch. */
  publish(events: WatchEvent[]): void {
    if (events.length === 0 || this.watchers.size === 0) return;
    this.queue.push(events);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let batch = this.queue.shift(); batch; batch = this.queue.shift()) this.deliverLive(batch);
    } finally {
      this.draining = false;
    }
  }

  /** Ends every watch with `err` (e.g. Closed when the store shuts down). */
  closeAll(err: StoreError): void {
    for (const w of [...this.watchers]) this.fail(w, err);
  }

  private deliverLive(events: WatchEvent[]): void {
    for (const w of [...this.watchers]) {
      if (!w.live || w.done) continue;
      const mine = events.filter((e) => e.revision > w.after && e.kv.key.startsWith(w.prefix));
      if (mine.length === 0) continue;
      w.after = mine[mine.length - 1].revision;
      this.call(w, mine);
    }
  }

  private catchUp(w: Watcher): void {
    for (let round = 0; round < CHUNKS_PER_TURN; round++) {
      if (w.done) return;
      if (this.expired(w.after)) return this.fail(w, this.expiredError(w.after));
      const upTo = this.source.committedRevision();
      if (w.after >= upTo) {
        w.live = true;
        if (w.progressWanted) {
          w.progressWanted = false;
          this.requestProgress(w);
        }
        return;
      }
      const { events, scannedTo } = this.source.readHistory(w.prefix, w.after, upTo, REPLAY_CHUNK);
      w.after = scannedTo;
      if (events.length > 0) this.call(w, events);
    }
    setImmediate(() => this.catchUp(w));
  }

  private expired(after: number): boolean {
    const compacted = this.source.compactedRevision();
    return compacted > 0 && after < compacted - 1;
  }

  private expiredError(after: number): StoreError {
    return new StoreError('Expired',
      `watch from revision ${after} needs history that was compacted (compacted revision ${this.source.compactedRevision()})`);
  }

  private call(w: Watcher, events: WatchEvent[]): void {
    try {
      w.opts.onEvents(events);
    } catch (err) {
      // A consumer bug must not break fan-out to the other watchers; surface it loudly anyway.
      queueMicrotask(() => { throw err; });
    }
  }

  private fail(w: Watcher, err: StoreError): void {
    if (w.done) return;
    this.remove(w);
    try {
      w.opts.onError(err);
    } catch (cbErr) {
      queueMicrotask(() => { throw cbErr; });
    }
  }

  private remove(w: Watcher): void {
    w.done = true;
    w.live = false;
    this.watchers.delete(w);
  }
}
