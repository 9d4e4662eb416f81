// The agent's HTTPS API for the API server (the kubelet's port 10250): container logs, exec,
// attach and port-forward. Only kite's API server (or a system:masters client) may call it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { type AgentAuthorizer, agentAuthenticator } from './auth.js';
import { httpErrorOf, notFound, writeError, writeUpgradeError } from './http-util.js';
import { CONTAINER_LOGS_PREFIX, handleContainerLogs } from './logs/logs-handler.js';
import { type PodLookup, criPodLookup } from './pod-lookup.js';
import { PORT_FORWARD_PREFIX, handlePortForward } from './portforward/handler.js';
import { handleRemoteCommand } from './remotecommand/handler.js';

/** The kubelet's port, which kite's agent uses too. */
export const DEFAULT_AGENT_PORT = 10250;

export interface AgentServerOptions {
  runtime: ContainerRuntime;
  tls: {
    /** Serving certificate signed by kite's server CA, valid for the node's addresses. */
    certPem: string;
    keyPem: string;
    /** Kite's client CA: callers must present a certificate it signed. */
    clientCaPem: string;
  };
  /** Default 10250; 0 picks a free port (see AgentServer.port). */
  port?: number;
  /** Default 0.0.0.0. */
  host?: string;
  /** Finds pods and containers; default asks the runtime (CRI metadata). */
  podLookup?: PodLookup;
  /** Which authenticated users may call; default system:apiserver and group system:masters. */
  authorize?: AgentAuthorizer;
  /** Told about failed requests (5xx) and broken streaming sessions. */
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface AgentServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startAgentServer(opts: AgentServerOptions): Promise<AgentServer> {
  const lookup = opts.podLookup ?? criPodLookup(opts.runtime);
  const authenticate = agentAuthenticator(opts.tls.clientCaPem, opts.authorize);
  const server = createServer({
    cert: opts.tls.certPem,
    key: opts.tls.keyPem,
    ca: opts.tls.clientCaPem,
    requestCert: true,
    rejectUnauthorized: false, // checked per request, so a bad certificate gets a 401 rather than a TLS alert
    minVersion: 'TLSv1.2',
  });
  server.requestTimeout = 0; // followed logs are long-lived
  server.keepAliveTimeout = 65_000;
  const fail = (what: string, err: unknown, url?: string): void => {
    const e = httpErrorOf(err);
    if (e.code >= 500) opts.log?.(`${what} failed`, { url, error: String((err as Error)?.stack ?? err) });
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'https://agent');
        if (url.pathname === '/healthz') {
          res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
          return;
        }
        await authenticate(req);
        if (req.method === 'GET' && url.pathname.startsWith(CONTAINER_LOGS_PREFIX)) return await handleContainerLogs(req, res, url, lookup);
        throw notFound('404 page not found');
      } catch (err) {
        fail('request', err, req.url);
        writeError(res, httpErrorOf(err));
      }
    })();
  });

  // Upgraded connections leave the HTTP server's bookkeeping; close() ends them from here.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'https://agent');
        await authenticate(req);
        const path = url.pathname;
        if (path.startsWith('/exec/')) return await handleRemoteCommand('exec', req, socket, head, url, { runtime: opts.runtime, lookup });
        if (path.startsWith('/attach/')) return await handleRemoteCommand('attach', req, socket, head, url, { runtime: opts.runtime, lookup });
        if (path.startsWith(PORT_FORWARD_PREFIX)) return await handlePortForward(req, socket, head, url, lookup);
        throw notFound('404 page not found');
      } catch (err) {
        fail('upgrade', err, req.url);
        writeUpgradeError(socket, httpErrorOf(err));
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? DEFAULT_AGENT_PORT, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      upgraded.forEach((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
