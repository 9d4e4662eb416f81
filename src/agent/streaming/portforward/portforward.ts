// Port-forward over a SPDY session (plain, or tunnelled in a WebSocket): for each local connection
// kubectl opens a pair of streams sharing a `requestid`, an error stream and a data stream, naming
// the pod `port`. The agent connects from the host to the pod IP and copies bytes both ways.
//
// Pod IPs are routable from the host through the CNI bridge, so this reaches every port bound on
// the pod IP or on all addresses; a listener bound to 127.0.0.1 inside the pod is not reachable
// this way (the kubelet enters the pod's network namespace for that; kite does not).
import { type Socket, connect } from 'node:net';
import type { SpdySession } from '../spdy/session.js';
import type { SpdyStream } from '../spdy/stream.js';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
/** The WebSocket subprotocol under which kubectl tunnels the SPDY session. */
export const PORT_FORWARD_WS_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

export interface PortForwardTarget {
  /** Where to connect: the pod IP. */
  host: string;
  /** For error messages, e.g. "default/web". */
  podName: string;
  connectTimeoutMs?: number;
}

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
}

export function servePortForward(session: SpdySession, target: PortForwardTarget): void {
  const pairs = new Map<string, Pair>();
  const sockets = new Set<Socket>();
  // The session's end (kubectl stopped) ends every forwarded connection.
  session.once('close', () => sockets.forEach((s) => s.destroy()));
  session.on('stream', (stream) => {
    const type = (stream.headers.streamtype ?? '').toLowerCase();
    const requestId = stream.headers.requestid ?? `port-${stream.headers.port ?? ''}`;
    if (type !== 'error' && type !== 'data') {
      stream.destroy();
      return;
    }
    const pair = pairs.get(requestId) ?? {};
    pairs.set(requestId, pair);
    if (type === 'error') {
      pair.error = stream;
      stream.resume(); // the client half-closes it at once; nothing to read
      stream.on('close', () => {
        if (pairs.get(requestId) === pair && !pair.data) pairs.delete(requestId);
      });
      return;
    }
    pair.data = stream;
    const socket = forward(pair, stream, target, () => pairs.delete(requestId));
    if (socket) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
  });
}

function forward(pair: Pair, data: SpdyStream, target: PortForwardTarget, done: () => void): Socket | undefined {
  const portText = data.headers.port ?? '';
  const port = Number(portText);
  const fail = (message: string): void => {
    const error = pair.error;
    if (error && !error.writableEnded) error.end(message);
    data.end();
    done();
  };
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    fail(`invalid port "${portText}"`);
    return undefined;
  }
  let connected = false;
  const socket: Socket = connect({ host: target.host, port, timeout: target.connectTimeoutMs ?? 10_000 });
  socket.setNoDelay(true);
  socket.on('connect', () => {
    connected = true;
    socket.setTimeout(0);
    data.pipe(socket); // the client's FIN half-closes the connection to the pod
    socket.pipe(data); // the pod's FIN ends the data stream
  });
  socket.on('timeout', () => socket.destroy(new Error('i/o timeout')));
  socket.on('error', (err: NodeJS.ErrnoException) => {
    if (!connected) {
      fail(`error forwarding port ${port} to pod ${target.podName}: dial tcp ${target.host}:${port}: ${err.code ?? err.message}`);
    } else if (!data.destroyed) {
      data.destroy();
    }
  });
  socket.on('close', () => {
    pair.error?.end();
    if (!data.writableEnded && connected) data.end();
    done();
  });
  data.on('reset', () => socket.destroy());
  data.on('close', () => {
    if (!socket.destroyed && data.resetStatus !== undefined) socket.destroy();
  });
  return socket;
}
