// `kite server`: the API server, controllers, scheduler and (unless --disable-agent) the node agent
// with kite's own containerd, so one process is a whole single-node cluster.
import type { Command } from 'commander';
import { join } from 'node:path';
import { KITE_HOME } from '../agent/containerd/paths.js';

export const DEFAULT_DATA_DIR = join(KITE_HOME, 'server');

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('Run the kite API server (HTTPS, client certificates, RBAC) over SQLite or etcd')
    .option('--data-dir <dir>', 'where the database, certificates and kubeconfig live', DEFAULT_DATA_DIR)
    .option('--https-port <port>', 'HTTPS port of the API', (v) => Number(v), 6443)
    .option('--bind-address <addr>', 'address to listen on', '0.0.0.0')
    .option('--datastore-endpoint <url>', 'etcd endpoint(s) (http(s)://host:2379[,...]) or memory://; default: SQLite in the data dir')
    .option('--datastore-cafile <file>', 'CA for the etcd endpoint')
    .option('--datastore-certfile <file>', 'client certificate for etcd')
    .option('--datastore-keyfile <file>', 'client key for etcd')
    .option('--tls-san <name...>', 'extra names or IPs for the serving certificate')
    .option('--disable-controllers', 'do not run the controller manager in this process')
    .option('--disable-scheduler', 'do not run the scheduler in this process')
    .option('--disable-agent', 'do not run a node agent (and containerd) in this process: an API-only server')
    .option('--node-name <name>', 'name of this node (default: the host name)')
    .option('--container-runtime-endpoint <url>', "use this CRI endpoint (unix://...) instead of starting kite's containerd")
    // A second node on one host (e.g. tests next to `kite up`) needs its own subnet, bridge, cgroups and port.
    .option('--pod-cidr <cidr>', "subnet of this node's pods (kite's containerd only; default 10.42.0.0/16)")
    .option('--pod-bridge <name>', "Linux bridge of this node's pod network (kite's containerd only; default kite0)")
    .option('--cgroup-root <path>', 'cgroup under which the pods run (default /kite)')
    .option('--kubelet-port <port>', "port of the node agent's API (logs, exec, port-forward; default 10250)", (v) => Number(v))
    .action(async (opts: ServerFlags) => {
      // Loaded here, not at the top: every other kite command would pay for loading the whole API server
      // (and an API-only server for the agent's).
      const { startControlPlane } = await import('../server/control-plane.js');
      // Without root or containerd the server still serves the API, just with no node of its own.
      const unavailable = opts.disableAgent
        ? undefined
        : (await import('../agent/agent.js')).agentUnavailableReason({ containerRuntimeEndpoint: opts.containerRuntimeEndpoint });
      if (unavailable) console.error(`warning: running without a node agent: ${unavailable} (--disable-agent says this is intended)`);
      const plane = await startControlPlane({
        dataDir: opts.dataDir,
        httpsPort: opts.httpsPort,
        bindAddress: opts.bindAddress,
        datastoreEndpoint: opts.datastoreEndpoint,
        datastoreTls: { caFile: opts.datastoreCafile, certFile: opts.datastoreCertfile, keyFile: opts.datastoreKeyfile },
        tlsSans: opts.tlsSan ?? [],
        controllers: !opts.disableControllers,
        scheduler: !opts.disableScheduler,
        agent: opts.disableAgent || unavailable ? undefined : {
          nodeName: opts.nodeName, containerRuntimeEndpoint: opts.containerRuntimeEndpoint,
          podCidr: opts.podCidr, podBridge: opts.podBridge, cgroupRoot: opts.cgroupRoot, kubeletPort: opts.kubeletPort,
        },
      });
      // bin/kite held the young generation small for start-up; caches filled, it may grow under load.
      const { releaseYoungGeneration } = await import('../server/startup-heap.js');
      void plane.settled.then(releaseYoungGeneration);
      const stop = async (signal: string): Promise<void> => {
        plane.log.info({ signal }, 'shutting down');
        await plane.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}

interface ServerFlags {
  dataDir: string;
  httpsPort: number;
  bindAddress: string;
  datastoreEndpoint?: string;
  datastoreCafile?: string;
  datastoreCertfile?: string;
  datastoreKeyfile?: string;
  tlsSan?: string[];
  disableControllers?: boolean;
  disableScheduler?: boolean;
  disableAgent?: boolean;
  nodeName?: string;
  containerRuntimeEndpoint?: string;
  podCidr?: string;
  podBridge?: string;
  cgroupRoot?: string;
  kubeletPort?: number;
}
