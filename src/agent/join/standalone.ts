// A standalone agent (`kite agent`): its own credentials (a join token the first time, then its
// kubeconfig; or a kubeconfig given by the user), the node agent over any container runtime, and
// port 10250 as soon as its serving certificate is issued. The CLI passes kite's containerd; tests
// pass the fake runtime.
import { hostname } from 'node:os';
import { RestClient, type RestClientConfig } from '../../client/rest-client.js';
import { ensurePrivateDir } from '../../pki/files.js';
import type { Client } from '../../client/types.js';
import { type Agent, type AgentOptions, startAgent } from '../agent.js';
import { KUBELET_PORT } from '../node/node-object.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { type JoinedAgentServer, startJoinedAgentServer } from './agent-server.js';
import { type JoinedCluster, joinCluster } from './bootstrap.js';
import { startClientRotation } from './client-rotation.js';
import type { Renewal } from './renewal.js';
import { RotatingClient } from './rotating-client.js';

type Log = (msg: string, fields?: Record<string, unknown>) => void;

export interface StandaloneAgentOptions {
  /** https://host:6443 (required to join; else the kubeconfig's). */
  server?: string;
  /** K10... join token (first start). */
  token?: string;
  /** Use these credentials instead of joining (no token). */
  kubeconfig?: string;
  dataDir: string;
  nodeName?: string;
  runtime: ContainerRuntime;
  /** Port of the agent API; default 10250. */
  kubeletPort?: number;
  /** Address the agent API listens on (default 0.0.0.0). */
  kubeletHost?: string;
  log?: { info: (fields: object, msg: string) => void; warn: (fields: object, msg: string) => void; error: (fields: object, msg: string) => void };
  /** Passed on to startAgent (labels, podCIDR, hostInfo, ...). */
  agent?: Partial<Omit<AgentOptions, 'client' | 'runtime' | 'dataDir' | 'nodeName' | 'kubeletPort'>>;
}

/** The agent's API client: a RestClient, or a RotatingClient when the agent holds its own certificate. */
export type AgentClient = Client & { readonly config: RestClientConfig; close(): void };

export interface StandaloneAgent {
  agent: Agent;
  client: AgentClient;
  /** Rotates the client certificate before it expires (agents that joined with a token). */
  rotation?: Renewal;
  /** Set when this agent joined with a token (or reused its own kubeconfig). */
  joined?: JoinedCluster;
  /** Resolves with the agent API once the serving certificate is issued; undefined if it could not start. */
  agentServer: Promise<JoinedAgentServer | undefined>;
  stop(): Promise<void>;
}

export async function startStandaloneAgent(opts: StandaloneAgentOptions): Promise<StandaloneAgent> {
  const nodeName = (opts.nodeName ?? hostname()).toLowerCase();
  await ensurePrivateDir(opts.dataDir);
  const info: Log = (msg, fields) => opts.log?.info(fields ?? {}, msg);
  const warn: Log = (msg, fields) => opts.log?.warn(fields ?? {}, msg);
  let joined: JoinedCluster | undefined;
  let client: AgentClient;
  let rotation: Renewal | undefined;
  if (opts.kubeconfig && !opts.token) {
    client = await RestClient.fromKubeconfig(opts.kubeconfig, opts.server ? { server: opts.server, userAgent: 'kite-agent' } : { userAgent: 'kite-agent' });
  } else {
    joined = await joinCluster({ server: opts.server, token: opts.token, dataDir: opts.dataDir, nodeName, log: info });
    const rotating = new RotatingClient({ server: joined.server, caPem: joined.caPem, certPem: joined.certPem, keyPem: joined.keyPem, userAgent: 'kite-agent' });
    rotation = startClientRotation({ client: rotating, dataDir: opts.dataDir, nodeName, certPem: joined.certPem, log: info });
    client = rotating;
  }
  const port = opts.kubeletPort ?? KUBELET_PORT;
  let agent: Agent;
  try {
    agent = await startAgent({ ...opts.agent, client, runtime: opts.runtime, dataDir: opts.dataDir, nodeName, kubeletPort: port, log: opts.log });
  } catch (err) {
    rotation?.stop();
    client.close();
    throw err;
  }
  const abort = new AbortController();
  const caPem = client.config.caPem;
  const agentServer: Promise<JoinedAgentServer | undefined> = caPem
    ? startJoinedAgentServer({
      client, server: client.config.server, caPem, dataDir: opts.dataDir, nodeName, nodeIPs: agent.node.nodeIPs(),
      runtime: opts.runtime, port, host: opts.kubeletHost, log: info, signal: abort.signal,
    }).catch((err: unknown) => {
      if (!abort.signal.aborted) opts.log?.error({ err: String(err) }, 'agent API not started: kubectl logs/exec/port-forward will not work on this node');
      return undefined;
    })
    : Promise.resolve(undefined);
  if (!caPem) warn('the kubeconfig names no CA: the agent API (port 10250) needs a serving certificate from kite; not started');
  return {
    agent,
    client,
    rotation,
    joined,
    agentServer,
    stop: async () => {
      abort.abort();
      rotation?.stop();
      await (await agentServer)?.close();
      await agent.stop();
      client.close();
    },
  };
}
