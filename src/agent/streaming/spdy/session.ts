// A SPDY/3.1 session over a byte stream (a TLS socket, or a WebSocket carrying SPDY bytes): opens
// and accepts streams, answers pings, and honours GOAWAY. Like moby/spdystream (the Go peer of every
// Kubernetes SPDY connection) it does no flow control: that peer neither sends WINDOW_UPDATE nor
// waits for one, so windows are ignored both ways.
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { FLAG_FIN, FrameParser, RstStatus, type SpdyFrame, encodeFrame } from './frames.js';
import { HeaderCompressor, HeaderDecompressor, type SpdyHeaders } from './header-block.js';
import { SpdyStream, type StreamOwner } from './stream.js';

export interface SpdySessionOptions {
  /** The side that accepted the connection; its own streams and pings get even ids. */
  isServer: boolean;
  /** How long openStream() waits for SYN_REPLY; default 30 s (client-go's stream creation timeout). */
  replyTimeoutMs?: number;
}

interface SessionEvents {
  /** The peer opened a stream; the session has already answered with SYN_REPLY. */
  stream: [SpdyStream];
  goaway: [lastGoodStreamId: number, status: number];
  close: [];
}

const MAX_DATA_FRAME = 64 * 1024;

export class SpdySession extends EventEmitter<SessionEvents> implements StreamOwner {
  readonly #transport: Duplex;
  readonly #parser = new FrameParser();
  readonly #compressor = new HeaderCompressor();
  readonly #decompressor = new HeaderDecompressor();
  readonly #streams = new Map<number, SpdyStream>();
  readonly #awaitingReply = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  readonly #pings = new Map<number, () => void>();
  readonly #slowStreams = new Set<number>();
  readonly #replyTimeoutMs: number;
  readonly #isServer: boolean;
  #nextStreamId: number;
  #nextPingId: number;
  #lastPeerStreamId = 0;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  #goneAway = false;
  #peerGoneAway = false;

  constructor(transport: Duplex, options: SpdySessionOptions) {
    super();
    this.#transport = transport;
    this.#isServer = options.isServer;
    this.#replyTimeoutMs = options.replyTimeoutMs ?? 30_000;
    this.#nextStreamId = options.isServer ? 2 : 1;
    this.#nextPingId = options.isServer ? 2 : 1;
    transport.on('data', (chunk: Buffer) => this.#receive(chunk));
    // The peer's end of the connection ends the session; our side is closed too (a half-open
    // socket would otherwise linger).
    transport.on('end', () => this.#enqueue(async () => {
      this.#lost();
      if (!transport.writableEnded) transport.end();
    }));
    transport.on('close', () => this.#enqueue(async () => this.#lost()));
    transport.on('error', () => this.#enqueue(async () => this.#lost()));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The peer sent GOAWAY: it opens no more streams and will close once its streams are done. */
  get peerGoneAway(): boolean {
    return this.#peerGoneAway;
  }

  /** Opens a stream and resolves once the peer answers with SYN_REPLY. */
  async openStream(headers: SpdyHeaders, options: { fin?: boolean } = {}): Promise<SpdyStream> {
    if (this.#closed || this.#peerGoneAway) throw new Error('SPDY session is closed');
    const id = this.#nextStreamId;
    this.#nextStreamId += 2;
    const stream = new SpdyStream(this, id, headers);
    this.#streams.set(id, stream);
    const replied = new Promise<void>((resolve, reject) => this.#awaitingReply.set(id, { resolve, reject }));
    const block = this.#compressor.compress(headers);
    this.#write(encodeFrame({ type: 'syn_stream', streamId: id, associatedId: 0, priority: 0, flags: options.fin ? FLAG_FIN : 0, headerBlock: block }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for a reply to SPDY stream ${id}`)), this.#replyTimeoutMs);
    });
    try {
      await Promise.race([replied, timeout]);
    } catch (err) {
      this.#awaitingReply.delete(id);
      stream.destroy();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (options.fin) stream.end();
    return stream;
  }

  /** Sends a PING and resolves with the round trip in milliseconds. */
  ping(): Promise<number> {
    const id = this.#nextPingId;
    this.#nextPingId += 2;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      if (this.#closed) return reject(new Error('SPDY session is closed'));
      this.#pings.set(id, () => resolve(performance.now() - started));
      this.#write(encodeFrame({ type: 'ping', id }));
    });
  }

  /** Tells the peer no more streams are accepted (status 0 = OK). */
  goAway(status = 0): void {
    if (this.#goneAway || this.#closed) return;
    this.#goneAway = true;
    this.#write(encodeFrame({ type: 'goaway', lastGoodStreamId: this.#lastPeerStreamId, status }));
  }

  /** GOAWAY, then ends the transport once written; streams still open see the connection end. */
  close(): void {
    this.goAway();
    if (!this.#transport.writableEnded) this.#transport.end();
  }

  destroy(): void {
    this.#transport.destroy();
    this.#lost();
  }

  // ---- StreamOwner

  sendData(streamId: number, data: Buffer, fin: boolean, callback: (err?: Error | null) => void): void {
    if (this.#closed) return callback(new Error('SPDY session is closed'));
    let offset = 0;
    do {
      const piece = data.subarray(offset, offset + MAX_DATA_FRAME);
      offset += piece.length;
      const last = offset >= data.length;
      const frame = encodeFrame({ type: 'data', streamId, flags: last && fin ? FLAG_FIN : 0, data: piece });
      if (last) this.#write(frame, callback);
      else this.#write(frame);
    } while (offset < data.length);
  }

  sendReset(streamId: number, status: number): void {
    if (!this.#closed) this.#write(encodeFrame({ type: 'rst_stream', streamId, status }));
  }

  forget(streamId: number): void {
    this.#streams.delete(streamId);
  }

  throttle(streamId: number, slow: boolean): void {
    const wasSlow = this.#slowStreams.size > 0;
    if (slow) this.#slowStreams.add(streamId);
    else this.#slowStreams.delete(streamId);
    const isSlow = this.#slowStreams.size > 0;
    if (isSlow && !wasSlow) this.#transport.pause();
    else if (!isSlow && wasSlow) this.#transport.resume();
  }

  // ---- receiving

  #write(frame: Buffer, callback?: (err?: Error | null) => void): void {
    if (this.#transport.destroyed || this.#transport.writableEnded) {
      callback?.(new Error('SPDY connection is closed'));
      return;
    }
    this.#transport.write(frame, callback);
  }

  #receive(chunk: Buffer): void {
    let frames: SpdyFrame[];
    try {
      frames = this.#parser.push(chunk);
    } catch {
      this.destroy();
      return;
    }
    for (const frame of frames) this.#enqueue(() => this.#handle(frame));
  }

  /** Frames are handled strictly in order: header blocks share one zlib context. */
  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(task).catch(() => this.destroy());
  }

  async #handle(frame: SpdyFrame): Promise<void> {
    switch (frame.type) {
      case 'data':
        this.#streams.get(frame.streamId)?.receiveData(frame.data, (frame.flags & FLAG_FIN) !== 0);
        return;
      case 'syn_stream':
        return this.#onSynStream(frame.streamId, frame.flags, await this.#decompressor.decompress(frame.headerBlock));
      case 'syn_reply': {
        await this.#decompressor.decompress(frame.headerBlock);
        const waiter = this.#awaitingReply.get(frame.streamId);
        this.#awaitingReply.delete(frame.streamId);
        waiter?.resolve();
        if (frame.flags & FLAG_FIN) this.#streams.get(frame.streamId)?.receiveData(Buffer.alloc(0), true);
        return;
      }
      case 'headers':
        await this.#decompressor.decompress(frame.headerBlock);
        if (frame.flags & FLAG_FIN) this.#streams.get(frame.streamId)?.receiveData(Buffer.alloc(0), true);
        return;
      case 'rst_stream': {
        const waiter = this.#awaitingReply.get(frame.streamId);
        this.#awaitingReply.delete(frame.streamId);
        waiter?.reject(new Error(`SPDY stream ${frame.streamId} was reset (status ${frame.status})`));
        this.#streams.get(frame.streamId)?.receiveReset(frame.status);
        return;
      }
      case 'ping': {
        const ours = (frame.id % 2 === 0) === this.#isServer;
        if (!ours) this.#write(encodeFrame({ type: 'ping', id: frame.id }));
        else this.#pings.get(frame.id)?.();
        this.#pings.delete(frame.id);
        return;
      }
      case 'goaway':
        this.#peerGoneAway = true;
        this.emit('goaway', frame.lastGoodStreamId, frame.status);
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE and unknown frames carry nothing this session acts on
    }
  }

  #onSynStream(id: number, flags: number, headers: SpdyHeaders): void {
    const fromPeer = (id % 2 === 1) === this.#isServer;
    if (!fromPeer || id <= this.#lastPeerStreamId || this.#streams.has(id)) {
      this.sendReset(id, RstStatus.PROTOCOL_ERROR);
      return;
    }
    this.#lastPeerStreamId = id;
    if (this.#goneAway || this.#closed) {
      this.sendReset(id, RstStatus.REFUSED_STREAM);
      return;
    }
    const stream = new SpdyStream(this, id, headers);
    this.#streams.set(id, stream);
    this.#write(encodeFrame({ type: 'syn_reply', streamId: id, flags: 0, headerBlock: this.#compressor.compress({}) }));
    if (flags & FLAG_FIN) stream.receiveData(Buffer.alloc(0), true);
    this.emit('stream', stream);
  }

  #lost(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#awaitingReply.values()) waiter.reject(new Error('SPDY connection closed'));
    this.#awaitingReply.clear();
    for (const stream of [...this.#streams.values()]) stream.connectionLost();
    this.#streams.clear();
    this.#decompressor.close();
    this.emit('close');
  }
}
