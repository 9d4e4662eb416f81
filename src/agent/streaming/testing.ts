// Test helpers: a fake runtime streaming server (what containerd serves for CRI Exec/Attach) and
// a kubectl-like SPDY client, both built on kite's own SPDY session.
import { once } from 'node:events';
import { type IncomingMessage, createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { exitCodeStatus, SUCCESS_STATUS } from './remotecommand/protocol.js';
import { SpdySession } from './spdy/session.js';
import type { SpdyStream } from './spdy/stream.js';

export interface FakeStreamingServer {
  url: string;
  /** Stream types opened by the last session, in order. */
  opened: string[];
  resizes: string[];
  close(): Promise<void>;
}

/**
 * Serves SPDY v4.channel.k8s.io remote-command sessions like containerd: once stdin ends (or at
 * once without stdin) it writes "OUT:<stdin upper-cased>" on stdout, "ERR" on stderr, the Status
 * (exit code = stdin length % 256, 0 -> Success) on the error stream, resets it, sends GOAWAY and
 * closes the connection.
 */
export async function startFakeStreamingServer(): Promise<FakeStreamingServer> {
  const state: FakeStreamingServer = { url: '', opened: [], resizes: [], close: async () => undefined };
  const server = createServer();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n');
    const session = new SpdySession(socket, { isServer: true });
    const streams = new Map<string, SpdyStream>();
    state.opened = [];
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const expected = 1 + ['stdin', 'stdout', 'stderr', 'tty'].filter((k) => query.get(k) === '1').length;
    session.on('stream', (stream) => {
      const type = stream.headers.streamtype ?? '';
      state.opened.push(type);
      streams.set(type, stream);
      if (type === 'resize') stream.on('data', (d: Buffer) => state.resizes.push(d.toString()));
      if (streams.size === expected) void run();
    });
    const run = async (): Promise<void> => {
      let input = '';
      const stdin = streams.get('stdin');
      if (stdin) {
        stdin.on('data', (d: Buffer) => (input += d.toString()));
        if (!stdin.remoteClosed) await once(stdin, 'end');
      }
      streams.get('stdout')?.end(`OUT:${input.toUpperCase()}`);
      streams.get('stderr')?.end('ERR');
      const code = input.length % 256;
      const error = streams.get('error')!;
      error.write(code === 0 ? SUCCESS_STATUS : exitCodeStatus(code));
      setTimeout(() => {
        error.destroy();
        session.close();
        setTimeout(() => socket.destroy(), 20);
      }, 20);
    };
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${port}/exec/token`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}

/** The urls the fake serves take the CRI request flags as a query (the fake runtime adds them). */
export function fakeStreamingUrl(base: string, flags: { stdin?: boolean; stdout?: boolean; stderr?: boolean; tty?: boolean }): string {
  const q = Object.entries(flags).filter(([, on]) => on).map(([k]) => `${k}=1`).join('&');
  return `${base}?${q}`;
}

export interface TlsClient {
  ca: string;
  cert?: string;
  key?: string;
}

/** Upgrades to SPDY like kubectl's fallback; resolves the session and the negotiated protocol. */
export function spdyUpgrade(url: string, protocols: string[], tls?: TlsClient): Promise<{ session: SpdySession; protocol: string }> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocols.join(', ') },
      ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {}),
    });
    req.on('upgrade', (res, socket: Socket) => resolve({ session: new SpdySession(socket, { isServer: false }), protocol: String(res.headers['x-stream-protocol-version']) }));
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => reject(Object.assign(new Error(`${res.statusCode}: ${body.trim()}`), { statusCode: res.statusCode })));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Collects a readable's text until it ends (not `for await`, which would destroy a Duplex). */
export function readText(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    stream.on('end', () => resolve(text));
  });
}
