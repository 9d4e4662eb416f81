// The node inside `kite server` (like k3s' embedded kubelet): kite's containerd and the node agent
// (agent/embedAgent) on the in-process client, plus the agent's HTTPS API on the kubelet port so
// `kubectl logs/exec/attach/port-forward` reach this node's containers through the API server.
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type EmbeddedAgent, embedAgent } from '../agent/agent.js';
import { type RuntimeHandle, startContainerRuntime } from '../agent/containerd/start.js';
import { nodeAddresses } from '../agent/node/host-info.js';
import { KUBELET_PORT } from '../agent/node/node-object.js';
import { type AgentServer, startAgentServer } from '../agent/streaming/server.js';
import { agentDialer } from '../apiserver/streaming/dial.js';
import type { NodeGetter } from '../apiserver/streaming/pod-target.js';
import { registerStreamingSubresources } from '../apiserver/streaming/register.js';
import type { Client } from '../client/types.js';
import type { Pki } from '../pki/bootstrap.js';
import { issueServingCert } from '../pki/certs.js';
import { writeNodeSettings } from './node-settings.js';

export interface EmbeddedNodeOptions {
  /** Default: the host name. */
  nodeName?: string;
  /** Use this CRI endpoint instead of starting kite's own containerd. */
  containerRuntimeEndpoint?: string;
  /** Port of the agent's HTTPS API (logs, exec, port-forward), advertised by the Node; default 10250. */
  kubeletPort?: number;
  /** Pod subnet of kite's containerd (CNI) and the Node's spec.podCIDR; default 10.42.0.0/16. */
  podCidr?: string;
  /** Linux bridge of the pod network; default kite0. */
  podBridge?: string;
  /** Pod cgroups go under it; default /kite. */
  cgroupRoot?: string;
}

export interface EmbeddedNodeDeps extends EmbeddedNodeOptions {
  client: Client;
  /** The server's data dir (the agent works in <dataDir>/agent). */
  dataDir: string;
  pki: Pki;
  getNode: NodeGetter;
  log: Logger;
  /** kite's containerd, started early by prestartNodeRuntime (else embedAgent starts it). */
  prestarted?: Promise<RuntimeHandle>;
}

export interface EmbeddedNode {
  agent: EmbeddedAgent;
  /** Absent when the kubelet port was taken (logs and exec then fail; pods still run). */
  server?: AgentServer;
  /** Stops the agent's API, the agent and kite's containerd; pods keep running in their shims. */
  stop(): Promise<void>;
}

/**
 * Starts kite's containerd (and imports the pause image) right away, so it boots while the API server
 * is still starting; startEmbeddedNode then connects to it. Undefined with an external CRI endpoint.
 */
export function prestartNodeRuntime(dataDir: string, opts: EmbeddedNodeOptions, log: Logger): Promise<RuntimeHandle> | undefined {
  if (opts.containerRuntimeEndpoint) return undefined;
  const settings = { podCidr: opts.podCidr, podBridge: opts.podBridge, cgroupRoot: opts.cgroupRoot };
  const started = writeNodeSettings(join(dataDir, 'agent'), settings).then(() => startContainerRuntime({
    dataDir: join(dataDir, 'agent'), logger: log.child({ component: 'agent' }), importPauseImage: true,
    ...(opts.podCidr ? { podCidr: opts.podCidr } : {}), ...(opts.podBridge ? { bridgeName: opts.podBridge } : {}),
  }));
  started.then((handle) => {
    // If the server exits without stopping it (a failed start-up, a crash), containerd goes too;
    // pods live on in their shims and the next start adopts them.
    process.once('exit', () => {
      const pid = handle.supervisor?.pid;
      if (pid) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    });
  }, () => undefined); // a failure is reported where it is awaited
  return started;
}

export async function startEmbeddedNode(opts: EmbeddedNodeDeps): Promise<EmbeddedNode> {
  const log = opts.log.child({ component: 'agent' });
  const own = await opts.prestarted;
  if (!own) await writeNodeSettings(join(opts.dataDir, 'agent'), { podCidr: opts.podCidr, podBridge: opts.podBridge, cgroupRoot: opts.cgroupRoot });
  const nodeName = (opts.nodeName ?? hostname()).toLowerCase();
  registerStreamingSubresources({
    dialAgent: agentDialer({ caPem: opts.pki.serverCa.certPem, certPem: opts.pki.apiserverClient.certPem, keyPem: opts.pki.apiserverClient.keyPem }),
    getNode: opts.getNode,
  });
  let agent: EmbeddedAgent;
  try {
    agent = await embedAgent({
      client: opts.client, dataDir: opts.dataDir, log, nodeName, containerRuntimeEndpoint: own?.endpoint ?? opts.containerRuntimeEndpoint,
      podCIDR: opts.podCidr, cgroupRoot: opts.cgroupRoot, kubeletPort: opts.kubeletPort,
    });
  } catch (err) {
    await own?.stop();
    throw err;
  }
  let server: AgentServer | undefined;
  try {
    // The API server dials the Node's InternalIP and checks it against this certificate.
    const serving = await issueServingCert(opts.pki.serverCa.authority, {
      commonName: `system:node:${nodeName}`,
      sans: { dns: [nodeName, 'localhost'], ips: [...new Set([...nodeAddresses(), '127.0.0.1'])] },
    });
    server = await startAgentServer({
      runtime: agent.runtime.runtime,
      port: opts.kubeletPort ?? KUBELET_PORT, // what the Node advertises (status.daemonEndpoints)
      tls: { certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem: opts.pki.clientCa.certPem },
      log: (msg, fields) => log.warn(fields ?? {}, msg),
    });
  } catch (err) {
    log.error({ err: String(err) }, 'agent API not started: kubectl logs/exec/port-forward will not work on this node');
  }
  log.info({ node: nodeName, endpoint: agent.runtime.endpoint, kubeletPort: server?.port }, 'embedded agent ready');
  return {
    agent,
    server,
    stop: async () => {
      await server?.close();
      await agent.stop();
      await own?.stop();
    },
  };
}
