// How the API server reaches a node's agent (the kubelet API): HTTPS to the node's address and
// kubelet port, presenting the API server's client certificate and trusting kite's server CA.
import type { ClientRequest, OutgoingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { checkServerIdentity } from 'node:tls';

export interface AgentEndpoint {
  nodeName: string;
  /** The node's address (its InternalIP by preference). */
  host: string;
  /** status.daemonEndpoints.kubeletEndpoint.Port, 10250 when unset. */
  port: number;
}

export interface AgentRequest {
  method: string;
  /** Path and query on the agent, e.g. /containerLogs/ns/pod/c?follow=true */
  path: string;
  headers: OutgoingHttpHeaders;
}

/** Starts an HTTPS request to an agent; the caller ends it and handles 'response'/'upgrade'. */
export type DialAgent = (endpoint: AgentEndpoint, req: AgentRequest) => ClientRequest;

export interface AgentDialerOptions {
  /** PEM of kite's server CA, which signs agents' serving certificates. */
  caPem: string;
  /** The API server's client certificate (pki.apiserverClient: system:apiserver). */
  certPem: string;
  keyPem: string;
  /**
   * Check that the agent's certificate names the address dialled (default true). The agent's
   * serving certificate must then carry the node's InternalIP (and hostname) as SANs.
   */
  verifyHostname?: boolean;
  /** TCP connect + TLS handshake limit, ms; default 10 s. */
  connectTimeoutMs?: number;
}

export function agentDialer(opts: AgentDialerOptions): DialAgent {
  return (endpoint, req) => {
    const client = request({
      host: endpoint.host,
      port: endpoint.port,
      method: req.method,
      path: req.path,
      headers: req.headers,
      ca: opts.caPem,
      cert: opts.certPem,
      key: opts.keyPem,
      agent: false,
      checkServerIdentity: opts.verifyHostname === false ? () => undefined : checkServerIdentity,
    });
    const timeoutMs = opts.connectTimeoutMs ?? 10_000;
    const timer = setTimeout(() => client.destroy(new Error(`dial tcp ${endpoint.host}:${endpoint.port}: i/o timeout`)), timeoutMs);
    client.once('socket', (socket) => socket.once('secureConnect', () => clearTimeout(timer)));
    client.once('close', () => clearTimeout(timer));
    return client;
  };
}
