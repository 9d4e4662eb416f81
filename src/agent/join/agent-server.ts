// Port 10250 of a standalone agent: once its serving certificate is issued (a kubelet-serving CSR
// for the node's names and addresses), the agent's HTTPS API (logs, exec, attach, port-forward)
// starts, trusting kite's client CA (fetched over TLS verified with the server CA) for callers.
import { hostname } from 'node:os';
import type { Client } from '../../client/types.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { type AgentServer, startAgentServer } from '../streaming/server.js';
import { fetchClientCa } from './fetch-ca.js';
import { type Renewal, scheduleRenewal } from './renewal.js';
import { ensureServingCert } from './serving-cert.js';

export interface JoinedAgentServerOptions {
  client: Client;
  /** The API server URL and its CA (the agent kubeconfig's). */
  server: string;
  caPem: string;
  dataDir: string;
  nodeName: string;
  /** The Node's InternalIPs (what the API server dials). */
  nodeIPs: string[];
  runtime: ContainerRuntime;
  /** Default 10250; must be what the Node advertises. */
  port?: number;
  host?: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  signal?: AbortSignal;
}

export interface JoinedAgentServer extends AgentServer {
  /** Renews the serving certificate at 70-90% of its lifetime. */
  renewal: Renewal;
}

export async function startJoinedAgentServer(opts: JoinedAgentServerOptions): Promise<JoinedAgentServer> {
  const servingOptions = { dataDir: opts.dataDir, nodeName: opts.nodeName, dns: [hostname().toLowerCase()], ips: opts.nodeIPs, caPem: opts.caPem, log: opts.log };
  const [serving, clientCaPem] = await Promise.all([
    ensureServingCert(opts.client, { ...servingOptions, signal: opts.signal }),
    fetchClientCa(opts.server, opts.caPem),
  ]);
  const server = await startAgentServer({
    runtime: opts.runtime,
    port: opts.port,
    host: opts.host,
    tls: { certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem },
    log: opts.log,
  });
  opts.log?.('agent API serving (logs, exec, port-forward)', { port: server.port, certificate: serving.certPath, issued: serving.issued });
  // Renewed while running; new TLS connections get the new certificate, open ones keep theirs.
  const renewal = scheduleRenewal({
    certPem: serving.certPem,
    onError: (err) => opts.log?.('serving certificate renewal failed; retrying', { error: err instanceof Error ? err.message : String(err) }),
    renew: async () => {
      const fresh = await ensureServingCert(opts.client, { ...servingOptions, force: true, signal: AbortSignal.timeout(600_000) });
      server.server.setSecureContext({ cert: fresh.certPem, key: fresh.keyPem, ca: clientCaPem, minVersion: 'TLSv1.2' });
      opts.log?.('serving certificate renewed', { certificate: fresh.certPath });
      return fresh.certPem;
    },
  });
  return {
    ...server,
    renewal,
    close: async () => {
      renewal.stop();
      await server.close();
    },
  };
}
