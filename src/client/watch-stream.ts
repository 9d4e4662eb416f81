// A watch as a channel of events: a producer (an HTTP response, or the fake client) pushes events
// and closes it; the consumer iterates it or gets a callback per event, and may stop it.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Watch, WatchEvent, WatchEventType } from './types.js';

export interface WatchChannelOptions<T> {
  /** Called once when the consumer stops the watch (to abort the request). */
  onStop?: () => void;
  onEvent?: (event: WatchEvent<T>) => void;
  signal?: AbortSignal;
}

export class WatchChannel<T> implements Watch<T> {
  readonly ended: Promise<Error | undefined>;
  #resolveEnded!: (err: Error | undefined) => void;
  #buffer: WatchEvent<T>[] = [];
  #head = 0;
  #wake: (() => void) | undefined;
  #closed = false;
  #error: Error | undefined;
  readonly #opts: WatchChannelOptions<T>;

  constructor(opts: WatchChannelOptions<T> = {}) {
    this.#opts = opts;
    this.ended = new Promise((resolve) => (this.#resolveEnded = resolve));
    if (opts.signal?.aborted) queueMicrotask(() => this.stop());
    else opts.signal?.addEventListener('abort', () => this.stop(), { once: true });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Producer side: one more event (ignored after close). */
  push(event: WatchEvent<T>): void {
    if (this.#closed) return;
    if (this.#opts.onEvent) {
      try {
        this.#opts.onEvent(event);
      } catch (err) {
        this.close(err instanceof Error ? err : new Error(String(err)));
        this.#opts.onStop?.();
      }
      return;
    }
    this.#buffer.push(event);
    this.#notify();
  }

  /** Producer side: the stream has ended, cleanly or with `err`. Buffered events are still delivered. */
  close(err?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#error = err;
    this.#resolveEnded(err);
    this.#notify();
  }

  stop(): void {
    if (this.#closed) return;
    this.close();
    this.#buffer = [];
    this.#head = 0;
    this.#opts.onStop?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent<T>, void, undefined> {
    if (this.#opts.onEvent) throw new Error('this watch delivers its events to onEvent; it cannot also be iterated');
    try {
      for (;;) {
        while (this.#head < this.#buffer.length) {
          const event = this.#buffer[this.#head++]!;
          if (this.#head === this.#buffer.length) {
            this.#buffer = [];
            this.#head = 0;
          }
          yield event;
        }
        if (this.#closed) {
          if (this.#error) throw this.#error;
          return;
        }
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      // Leaving the loop early (break, return, throw in the body) stops the watch.
      this.stop();
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

const EVENT_TYPES = new Set<WatchEventType>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/**
 * Feeds a watch response body (one JSON event per line, KUBECTL-WIRE §3) into `channel`. The
 * channel closes cleanly when the body ends, and with an error if the connection breaks or a
 * line is not a watch event.
 */
export function decodeWatchStream<T>(body: Readable, channel: WatchChannel<T>): void {
  // The events are small; splitting lines by hand keeps each chunk's work linear without readline's overhead.
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const fail = (err: Error): void => {
    channel.close(err);
    body.destroy();
  };
  const line = (text: string): boolean => {
    if (text.trim() === '') return true;
    let event: { type?: unknown; object?: unknown };
    try {
      event = JSON.parse(text) as typeof event;
    } catch (err) {
      fail(new Error(`watch: undecodable event: ${(err as Error).message}: ${text.slice(0, 200)}`));
      return false;
    }
    if (typeof event.type !== 'string' || !EVENT_TYPES.has(event.type as WatchEventType) || typeof event.object !== 'object' || event.object === null) {
      fail(new Error(`watch: not a watch event: ${text.slice(0, 200)}`));
      return false;
    }
    channel.push(event as WatchEvent<T>);
    return true;
  };
  body.on('data', (chunk: Buffer) => {
    if (channel.closed) return;
    pending += decoder.write(chunk);
    let start = 0;
    for (let nl = pending.indexOf('\n', start); nl >= 0; nl = pending.indexOf('\n', start)) {
      if (!line(pending.slice(start, nl))) return;
      start = nl + 1;
    }
    pending = pending.slice(start);
  });
  body.on('end', () => {
    pending += decoder.end();
    if (pending.trim() !== '' && !line(pending)) return;
    channel.close();
  });
  body.on('error', (err) => channel.close(err));
  body.on('close', () => {
    if (!channel.closed) channel.close(new Error('watch: connection closed before the stream ended'));
  });
}
