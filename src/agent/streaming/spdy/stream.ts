// One SPDY stream as a Node Duplex: what the peer sends on it is readable (ending at its FIN or
// reset), writes become DATA frames, end() sends FIN, and destroying a stream that is still open
// on either side resets it (RST_STREAM CANCEL), as Go's spdystream does.
import { Duplex } from 'node:stream';
import { RstStatus } from './frames.js';
import type { SpdyHeaders } from './header-block.js';

/** What a stream needs from its session. */
export interface StreamOwner {
  sendData(streamId: number, data: Buffer, fin: boolean, callback: (err?: Error | null) => void): void;
  sendReset(streamId: number, status: number): void;
  forget(streamId: number): void;
  /** A stream's reader fell behind: stop reading the connection until it catches up. */
  throttle(streamId: number, slow: boolean): void;
}

export class SpdyStream extends Duplex {
  readonly id: number;
  /** The headers of the SYN_STREAM that opened the stream. */
  readonly headers: SpdyHeaders;
  /** Status of a RST_STREAM the peer sent, if it reset the stream. */
  resetStatus: number | undefined;
  readonly #owner: StreamOwner;
  #remoteClosed = false;
  #localClosed = false;

  constructor(owner: StreamOwner, id: number, headers: SpdyHeaders) {
    super({ allowHalfOpen: true });
    this.#owner = owner;
    this.id = id;
    this.headers = headers;
    // A write racing the peer's reset or the connection's end fails; that is an ordinary end of
    // a stream here, which its users learn from 'close', so it must not crash the process.
    this.on('error', () => undefined);
  }

  /** The peer sent FIN or reset the stream. */
  get remoteClosed(): boolean {
    return this.#remoteClosed;
  }

  /** This side sent FIN or reset the stream. */
  get localClosed(): boolean {
    return this.#localClosed;
  }

  override _read(): void {
    // Kubernetes' SPDY peers do no flow control, so a slow reader holds up the whole connection
    // (as in Go's spdystream): the session pauses the transport while any stream is full.
    this.#owner.throttle(this.id, false);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.#localClosed) return callback(new Error(`SPDY stream ${this.id} is closed`));
    this.#owner.sendData(this.id, chunk, false, callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    if (this.#localClosed) return callback();
    this.#localClosed = true;
    this.#owner.sendData(this.id, Buffer.alloc(0), true, (err) => {
      this.#forgetIfDone();
      callback(err);
    });
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (!this.#localClosed || !this.#remoteClosed) {
      this.#localClosed = true;
      this.#remoteClosed = true;
      if (this.resetStatus === undefined) this.#owner.sendReset(this.id, RstStatus.CANCEL);
    }
    this.#owner.throttle(this.id, false);
    this.#owner.forget(this.id);
    callback(err);
  }

  /** Session side: bytes of a DATA frame, and whether it carried FIN. */
  receiveData(data: Buffer, fin: boolean): void {
    if (this.#remoteClosed) return;
    if (data.length > 0 && !this.push(data) && !fin) this.#owner.throttle(this.id, true);
    if (fin) {
      this.#remoteClosed = true;
      this.push(null);
      // Nothing more comes for this stream: holding the connection for it would gain nothing
      // (and, as _read is not called after the end, nothing would release it).
      this.#owner.throttle(this.id, false);
      this.#forgetIfDone();
    }
  }

  /**
   * Session side: the peer reset the stream. Data that arrived before stays readable (the kubelet
   * and containerd reset the error stream right after writing the final Status on it).
   */
  receiveReset(status: number): void {
    this.resetStatus = status;
    this.emit('reset', status);
    this.connectionLost();
  }

  /**
   * Session side: the connection is gone. Reads end normally (what arrived before stays readable,
   * as spdystream ends reads at connection close); later writes fail.
   */
  connectionLost(): void {
    if (!this.#remoteClosed) {
      this.#remoteClosed = true;
      this.push(null);
    }
    this.#owner.throttle(this.id, false);
    this.#localClosed = true;
    if (!this.writableEnded) this.end();
  }

  #forgetIfDone(): void {
    if (this.#localClosed && this.#remoteClosed) this.#owner.forget(this.id);
  }
}
