// Upgrade requests (exec, attach and port-forward) reach Node's HTTPS server as an 'upgrade'
// event with a raw socket, not as a request/response pair. The API server wraps them here in a
// ServerResponse on that socket, so they go through the same authn -> authz -> routing path and
// errors are written as Status replies; the streaming handlers take the socket back to splice it.
import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RequestInfo } from '../request-info.js';

export interface UpgradeConnection {
  socket: Duplex;
  /** Bytes the client sent after its request headers. */
  head: Buffer;
}

const upgrades = new WeakMap<IncomingMessage, UpgradeConnection>();
/** Open upgraded connections per server: they leave the HTTP server's bookkeeping once spliced. */
const openByServer = new WeakMap<object, Set<Duplex>>();

/** A response bound to the upgrade's socket; the socket closes when a (non-101) reply is done. */
export function upgradeResponse(req: IncomingMessage, socket: Duplex, head: Buffer): ServerResponse {
  upgrades.set(req, { socket, head });
  socket.on('error', () => socket.destroy());
  const server = (socket as Partial<Socket> & { server?: object }).server;
  if (server) {
    const open = openByServer.get(server) ?? new Set<Duplex>();
    openByServer.set(server, open);
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  }
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  return res;
}

/** Ends every exec/attach/port-forward session of a server (at shutdown: they would hold close() open). */
export function destroyUpgradedConnections(server: object): void {
  for (const socket of openByServer.get(server) ?? []) socket.destroy();
}

/** The raw connection of an upgrade request (undefined for ordinary requests). */
export function upgradeOf(req: IncomingMessage): UpgradeConnection | undefined {
  return upgrades.get(req);
}

const CONNECT_SUBRESOURCES = new Set(['exec', 'attach', 'portforward']);

/**
 * A WebSocket upgrade is a GET, but it opens a session that writes into the pod: since Kubernetes
 * 1.31 (AuthorizePodWebsocketUpgradeCreatePermission) such a request must also be allowed to
 * `create` the subresource. Returns that extra verb to check, if any.
 */
export function extraUpgradeVerb(req: IncomingMessage, info: RequestInfo): string | undefined {
  if (!upgrades.has(req) || info.verb !== 'get' || info.resource !== 'pods') return undefined;
  return CONNECT_SUBRESOURCES.has(info.subresource) ? 'create' : undefined;
}
