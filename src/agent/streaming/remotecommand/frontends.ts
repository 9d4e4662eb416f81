// The client's side of an exec/attach session, terminated by the agent: WebSocket channels
// (v5/v4.channel.k8s.io, kubectl's first choice) or SPDY streams (its fallback). Both present the
// same shape to the bridge.
import { PassThrough, type Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { WebSocket } from 'ws';
import type { SpdySession } from '../spdy/session.js';
import type { SpdyStream } from '../spdy/stream.js';
import { Channel, type RemoteCommandOptions, SUCCESS_STATUS, WS_PROTOCOL_V5, expectedStreamTypes } from './protocol.js';

export interface CommandFrontend {
  /** What the client types; ends at the client's stdin EOF. */
  stdin?: Readable;
  /** Terminal size messages, JSON `{"Width":W,"Height":H}`. */
  resize?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /**
   * Flushes stdout and stderr, then sends the final Status (JSON; empty means success) and ends
   * the client's connection.
   */
  finish(status: string): Promise<void>;
  /** Called once when the client's connection is gone (also after finish). */
  onClose(listener: () => void): void;
}

/** Frontend over an accepted WebSocket speaking `protocol` (v5 or v4.channel.k8s.io). */
export function websocketFrontend(ws: WebSocket, protocol: string, opts: RemoteCommandOptions): CommandFrontend {
  const channelWriter = (channel: number): Writable => new Writable({
    write(chunk: Buffer, _enc, callback) {
      if (ws.readyState !== ws.OPEN) return callback();
      ws.send(Buffer.concat([Buffer.from([channel]), chunk]), { binary: true }, () => callback());
    },
  });
  const stdin = opts.stdin ? new PassThrough() : undefined;
  const resize = opts.tty ? new PassThrough() : undefined;
  ws.on('message', (data: Buffer) => {
    if (data.length === 0) return;
    const payload = data.subarray(1);
    switch (data[0]) {
      case Channel.stdin:
        if (stdin && !stdin.writableEnded) stdin.write(payload);
        return;
      case Channel.resize:
        if (resize && !resize.writableEnded) resize.write(payload);
        return;
      case Channel.close:
        // v5 only: [255, id] half-closes the client's stream id.
        if (protocol === WS_PROTOCOL_V5 && payload[0] === Channel.stdin) stdin?.end();
        return;
    }
  });
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  void closed.then(() => {
    stdin?.end();
    resize?.end();
  });
  const stdout = opts.stdout ? channelWriter(Channel.stdout) : undefined;
  const stderr = opts.stderr ? channelWriter(Channel.stderr) : undefined;
  return {
    stdin,
    resize,
    stdout,
    stderr,
    async finish(status) {
      await flush(stdout, stderr);
      if (ws.readyState !== ws.OPEN) return;
      ws.send(Buffer.concat([Buffer.from([Channel.error]), Buffer.from(status || SUCCESS_STATUS)]), { binary: true });
      ws.close(1000);
    },
    onClose(listener) {
      void closed.then(listener);
    },
  };
}

/**
 * Frontend over a SPDY session: waits (up to timeoutMs) until the client has opened every stream
 * its options call for, as the kubelet does, then resolves.
 */
export function spdyFrontend(session: SpdySession, opts: RemoteCommandOptions, timeoutMs = 30_000): Promise<CommandFrontend> {
  const wanted = expectedStreamTypes(opts);
  const streams = new Map<string, SpdyStream>();
  const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`timed out waiting for the client's streams (have ${[...streams.keys()].join(', ') || 'none'}, want ${wanted.join(', ')})`));
    }, timeoutMs);
    const onStream = (stream: SpdyStream): void => {
      const type = (stream.headers.streamtype ?? '').toLowerCase();
      if (!wanted.includes(type) || streams.has(type)) {
        stream.destroy();
        return;
      }
      streams.set(type, stream);
      if (streams.size < wanted.length) return;
      clearTimeout(timer);
      session.off('stream', onStream);
      resolve(build());
    };
    session.on('stream', onStream);
    void closed.then(() => {
      clearTimeout(timer);
      reject(new Error('the client closed the connection before opening its streams'));
    });

    const build = (): CommandFrontend => {
      const error = streams.get('error')!;
      const stdout = streams.get('stdout');
      const stderr = streams.get('stderr');
      return {
        stdin: streams.get('stdin'),
        resize: streams.get('resize'),
        stdout,
        stderr,
        async finish(status) {
          // client-go reads stdout and stderr to their end, then the error stream to its end.
          await flush(stdout, stderr);
          if (session.closed) return;
          error.end(status);
          await finished(error, { readable: false }).catch(() => undefined);
          session.close();
        },
        onClose(listener) {
          void closed.then(listener);
        },
      };
    };
  });
}

/** Ends the writers and waits until what they hold has been handed to the connection. */
async function flush(...writers: (Writable | undefined)[]): Promise<void> {
  await Promise.all(writers.filter((w): w is Writable => w !== undefined).map((w) => {
    w.end();
    return finished(w, { readable: false }).catch(() => undefined);
  }));
}
