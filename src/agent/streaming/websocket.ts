// Accepting WebSocket upgrades with a chosen subprotocol. The `ws` server validates offered
// subprotocols as HTTP tokens, which rejects `SPDY/3.1+portforward.k8s.io` (a "/" is not a token
// character) with a 400; so the agent picks the protocol itself, hides the header from `ws`, and
// adds the answer through ws's public 'headers' hook. The handshake is otherwise ws's own.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

const chosen = new WeakMap<IncomingMessage, string>();
const server = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
server.on('headers', (headers, req) => {
  const protocol = chosen.get(req);
  if (protocol) headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
});

/** The subprotocols the client offered, in its order. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

/** The first of `supported` the client offered, or undefined. */
export function negotiate(req: IncomingMessage, supported: string[]): string | undefined {
  const offered = offeredProtocols(req);
  return supported.find((p) => offered.includes(p));
}

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** Completes the handshake answering with `protocol`; resolves with the open WebSocket. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): Promise<WebSocket> {
  chosen.set(req, protocol);
  delete req.headers['sec-websocket-protocol'];
  return new Promise((resolve, reject) => {
    socket.once('close', () => reject(new Error('connection closed during the WebSocket handshake')));
    server.handleUpgrade(req, socket, head, (ws) => resolve(ws));
  });
}
