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

/** A response bound to the upgrade's socket; the socket closes when a (non-101) reply is done. */
export function upgradeResponse(req: IncomingMessage, socket: Duplex, head: Buffer): ServerResponse {
  upgrades.set(req, { socket, head });
  socket.on('error', () => socket.destroy());
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  return res;
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
