// The components `kite server` runs next to its API: the controller manager, the scheduler and
// (unless disabled) the node agent with kite's containerd. They reach the API through a Unix socket with the apiserver's own client certificate, so
// every request passes the same authn -> authz -> admission path as any other client's.
import type { Logger } from 'pino';
import type { TlsOptions } from 'node:tls';
import { SharedInformerFactory } from '../client/informer-factory.js';
import { type UnixListener, apiSocketPath, inProcessClient, serveOnUnixSocket } from '../client/in-process.js';
import type { RestClient } from '../client/rest-client.js';
import { startControllers } from '../controllers/manager.js';
import type { Pki } from '../pki/bootstrap.js';
import type { ApiServer } from '../apiserver/server.js';
import { startScheduler } from '../scheduler/scheduler.js';
import type { NodeGetter } from '../apiserver/streaming/pod-target.js';
import type { RuntimeHandle } from '../agent/containerd/start.js';
import type { EmbeddedNode, EmbeddedNodeOptions } from './embedded-node.js';

export interface EmbeddedOptions {
  dataDir: string;
  pki: Pki;
  tls: TlsOptions;
  apiserver: ApiServer;
  log: Logger;
  controllers: boolean;
  scheduler: boolean;
  /** Run the node agent (and kite's containerd) in this process; absent: no agent. */
  agent?: EmbeddedNodeOptions;
  /** Reads a Node by name (for the pods/log, exec and portforward proxies to the agent). */
  getNode: NodeGetter;
  /** The agent's containerd, started early (see prestartNodeRuntime). */
  nodeRuntime?: Promise<RuntimeHandle>;
}

export interface EmbeddedComponents {
  client: RestClient;
  informers: SharedInformerFactory;
  node?: EmbeddedNode;
  stop(): Promise<void>;
}

export async function startEmbeddedComponents(opts: EmbeddedOptions): Promise<EmbeddedComponents> {
  const socket: UnixListener = await serveOnUnixSocket(opts.apiserver.server, opts.tls, apiSocketPath(opts.dataDir));
  const client = inProcessClient(socket.path, {
    caPem: opts.pki.serverCa.certPem,
    certPem: opts.pki.apiserverClient.certPem,
    keyPem: opts.pki.apiserverClient.keyPem,
  }, { userAgent: 'kite-controller-manager' });
  const abort = new AbortController();
  // The node (containerd start, registration) needs nothing from the controllers: start it meanwhile.
  const nodeStarting = opts.agent
    ? (await import('./embedded-node.js')).startEmbeddedNode({ ...opts.agent, client, dataDir: opts.dataDir, pki: opts.pki, getNode: opts.getNode, log: opts.log, prestarted: opts.nodeRuntime })
    : undefined;
  nodeStarting?.catch(() => undefined);
  const informers = new SharedInformerFactory(client);
  let scheduler: Promise<void> | undefined;
  if (opts.controllers) {
    const started = await startControllers({
      client, informers, signal: abort.signal, log: opts.log.child({ component: 'controller-manager' }),
      signingAuthorities: { client: opts.pki.clientCa.authority, serving: opts.pki.serverCa.authority },
      rootCaPem: opts.pki.serverCa.certPem,
    });
    opts.log.info({ controllers: started }, 'controllers started');
  }
  if (opts.scheduler) {
    const schedulerLog = opts.log.child({ component: 'scheduler' });
    scheduler = startScheduler({ client, informerFactory: informers, signal: abort.signal, log: (msg, err) => schedulerLog.warn({ err }, msg) }).done;
  }
  informers.start(abort.signal);
  let node: EmbeddedNode | undefined;
  if (nodeStarting) {
    try {
      node = await nodeStarting;
    } catch (err) {
      abort.abort();
      await socket.close();
      throw err;
    }
  }
  return {
    client,
    informers,
    node,
    stop: async () => {
      await node?.stop();
      abort.abort();
      await Promise.race([Promise.all([informers.stopped(), scheduler]), new Promise((r) => setTimeout(r, 2000))]);
      await socket.close();
    },
  };
}
