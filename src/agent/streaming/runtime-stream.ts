// The agent as a client of the container runtime's streaming server (the URL that CRI Exec,
// Attach and PortForward return): an HTTP upgrade to SPDY/3.1, then Kubernetes' remote-command
// streams. SPDY rather than the WebSocket containerd 1.6 also serves, because its WebSocket
// protocols stop at v4.channel.k8s.io, which cannot half-close stdin: a command reading stdin to
// its end (`kubectl exec -i ... -- cat`) would never see EOF.
import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';
import { SpdySession } from './spdy/session.js';
import type { SpdyStream } from './spdy/stream.js';

export const REMOTE_COMMAND_V4 = 'v4.channel.k8s.io';

export interface RuntimeStreamOptions {
  /** X-Stream-Protocol-Version offered to the runtime. */
  protocol: string;
  timeoutMs?: number;
}

/** Upgrades a connection to the runtime's streaming URL to a SPDY session (client side). */
export function dialRuntimeStream(url: string, options: RuntimeStreamOptions): Promise<SpdySession> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': options.protocol, 'Content-Length': '0' },
      timeout: options.timeoutMs ?? 10_000,
    });
    req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
      socket.setNoDelay(true);
      if (head.length > 0) socket.unshift(head);
      resolve(new SpdySession(socket, { isServer: false }));
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => reject(new Error(`runtime streaming server answered ${res.statusCode}: ${body.trim()}`)));
    });
    req.on('timeout', () => req.destroy(new Error(`runtime streaming server ${url} did not answer`)));
    req.on('error', reject);
    req.end();
  });
}

export interface RemoteCommandStreams {
  session: SpdySession;
  error: SpdyStream;
  stdin?: SpdyStream;
  stdout?: SpdyStream;
  stderr?: SpdyStream;
  resize?: SpdyStream;
}

export interface RemoteCommandFlags {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** Opens the streams of an exec or attach session in client-go's order: error, stdin, stdout, stderr, resize. */
export async function openRemoteCommand(url: string, flags: RemoteCommandFlags): Promise<RemoteCommandStreams> {
  const session = await dialRuntimeStream(url, { protocol: REMOTE_COMMAND_V4 });
  try {
    const open = (type: string): Promise<SpdyStream> => session.openStream({ streamtype: type });
    const streams: RemoteCommandStreams = { session, error: await open('error') };
    if (flags.stdin) streams.stdin = await open('stdin');
    if (flags.stdout) streams.stdout = await open('stdout');
    if (flags.stderr && !flags.tty) streams.stderr = await open('stderr');
    if (flags.tty) streams.resize = await open('resize');
    return streams;
  } catch (err) {
    session.destroy();
    throw err;
  }
}
