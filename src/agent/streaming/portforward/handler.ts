// /portForward/{namespace}/{pod}: accepts kubectl's SPDY session, plain (Upgrade: SPDY/3.1) or
// tunnelled in a WebSocket (SPDY/3.1+portforward.k8s.io), and serves its port streams.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream } from 'ws';
import { AgentHttpError, badRequest, isSpdyUpgrade, notFound, offeredStreamProtocols, pathParams, writeSpdySwitch } from '../http-util.js';
import type { PodLookup } from '../pod-lookup.js';
import { SpdySession } from '../spdy/session.js';
import { acceptWebSocket, isWebSocketUpgrade, negotiate } from '../websocket.js';
import { PORT_FORWARD_PROTOCOL, PORT_FORWARD_WS_PROTOCOL, servePortForward } from './portforward.js';

export const PORT_FORWARD_PREFIX = '/portForward/';

export async function handlePortForward(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, lookup: PodLookup): Promise<void> {
  const params = pathParams(url.pathname, PORT_FORWARD_PREFIX);
  if (params.length !== 2 && params.length !== 3) throw notFound(`expected ${PORT_FORWARD_PREFIX}{namespace}/{pod}`);
  const [namespace, pod] = params as [string, string];
  const target = await lookup.pod(namespace, pod);
  if (!target) throw notFound(`pod "${namespace}/${pod}" not found on this node`);
  if (!target.ip) throw badRequest(`pod "${namespace}/${pod}" has no IP address`);
  const forwardTo = { host: target.ip, podName: `${namespace}/${pod}` };

  if (isWebSocketUpgrade(req)) {
    if (!negotiate(req, [PORT_FORWARD_WS_PROTOCOL])) throw badRequest(`unable to negotiate a WebSocket subprotocol: supported is ${PORT_FORWARD_WS_PROTOCOL}`);
    const ws = await acceptWebSocket(req, socket, head, PORT_FORWARD_WS_PROTOCOL);
    // The WebSocket carries a plain SPDY byte stream; message boundaries mean nothing.
    const tunnel = createWebSocketStream(ws);
    tunnel.on('error', () => tunnel.destroy());
    servePortForward(new SpdySession(tunnel, { isServer: true }), forwardTo);
    return;
  }
  if (isSpdyUpgrade(req.headers.upgrade)) {
    const offered = offeredStreamProtocols(req.headers['x-stream-protocol-version']);
    if (!offered.includes(PORT_FORWARD_PROTOCOL)) {
      throw new AgentHttpError(403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${PORT_FORWARD_PROTOCOL}]`);
    }
    writeSpdySwitch(socket, PORT_FORWARD_PROTOCOL);
    if (head.length > 0) socket.unshift(head);
    servePortForward(new SpdySession(socket, { isServer: true }), forwardTo);
    return;
  }
  throw badRequest('Upgrade request required');
}
