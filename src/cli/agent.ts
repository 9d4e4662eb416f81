// `kite agent`: runs a node agent against a kite (or Kubernetes) API server. Joins with a token
// (TLS bootstrap: its own client and serving certificates through CSRs, docs/joining-nodes.md)
// or uses a kubeconfig. Starts kite's own containerd (with the pause image) unless
// --container-runtime-endpoint names an existing one.
import type { Command } from 'commander';
import { pino } from 'pino';
import { startContainerRuntime } from '../agent/containerd/start.js';
import { DEFAULT_AGENT_DATA_DIR } from '../agent/containerd/paths.js';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AGENT_KUBECONFIG, joinCluster } from '../agent/join/bootstrap.js';
import { startStandaloneAgent } from '../agent/join/standalone.js';

interface AgentFlags {
  server?: string;
  token?: string;
  kubeconfig?: string;
  kubeletPort?: number;
  nodeName?: string;
  dataDir: string;
  containerRuntimeEndpoint?: string;
  podCidr?: string;
  podBridge?: string;
  cgroupRoot?: string;
  nodeLabel?: string[];
}

function parseLabels(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`--node-label wants key=value, got ${JSON.stringify(item)}`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export function registerAgentCommand(program: Command): void {
  program
    .command('agent')
    .description('Run a node agent: join a kite server (or use a kubeconfig), register this machine as a node and run its pods with containerd')
    .option('--server <url>', 'API server URL, https://HOST:6443 (overrides the kubeconfig)')
    .option('--token <token>', "join token (the server's <data-dir>/node-token, K10...; or KITE_TOKEN); needed on the first start only")
    .option('--kubeconfig <file>', 'use these credentials instead of joining with a token')
    .option('--node-name <name>', 'name of the node (default: the host name)')
    .option('--data-dir <dir>', "where the agent's credentials, containerd's state, pod files and logs live", DEFAULT_AGENT_DATA_DIR)
    .option('--container-runtime-endpoint <url>', 'use this CRI endpoint (unix://...) instead of starting containerd')
    .option('--pod-cidr <cidr>', "subnet of this node's pods (kite's containerd only)")
    // A second node on one host (e.g. next to `kite up`) needs its own bridge, cgroups and port.
    .option('--pod-bridge <name>', "Linux bridge of this node's pod network (kite's containerd only; default kite0)")
    .option('--cgroup-root <path>', 'cgroup under which the pods run (default /kite)')
    .option('--node-label <key=value...>', 'extra labels of the node')
    .option('--kubelet-port <port>', "port of the agent's API (logs, exec, port-forward; default 10250)", (v) => Number(v))
    .action(async (flags: AgentFlags) => {
      const log = pino({ name: 'kite-agent', level: process.env.KITE_LOG_LEVEL ?? 'info' });
      flags.token ??= process.env.KITE_TOKEN || undefined; // not a commander default: --help would print it
      if (!flags.kubeconfig && !flags.token && !existsSync(join(flags.dataDir, AGENT_KUBECONFIG))) {
        throw new Error('kite agent needs --server and --token (the server\'s node-token) to join, or --kubeconfig');
      }
      if (flags.token && !flags.server && !existsSync(join(flags.dataDir, AGENT_KUBECONFIG))) throw new Error('--token needs --server https://HOST:6443');
      // Join first (no containerd needed to find out that a token is wrong).
      const joined = flags.token || !flags.kubeconfig
        ? await joinCluster({ server: flags.server, token: flags.token, dataDir: flags.dataDir, nodeName: (flags.nodeName ?? hostname()).toLowerCase(), log: (msg, fields) => log.info(fields ?? {}, msg) })
        : undefined;
      const runtime = await startContainerRuntime({
        dataDir: flags.dataDir,
        endpoint: flags.containerRuntimeEndpoint,
        importPauseImage: true,
        logger: log,
        ...(flags.podCidr ? { podCidr: flags.podCidr } : {}),
        ...(flags.podBridge ? { bridgeName: flags.podBridge } : {}),
      });
      log.info({ endpoint: runtime.endpoint }, 'container runtime ready');
      let standalone;
      try {
        standalone = await startStandaloneAgent({
          server: joined?.server ?? flags.server, kubeconfig: joined?.kubeconfigPath ?? flags.kubeconfig,
          dataDir: flags.dataDir, nodeName: flags.nodeName, runtime: runtime.runtime, kubeletPort: flags.kubeletPort, log,
          agent: { labels: parseLabels(flags.nodeLabel), podCIDR: flags.podCidr, ...(flags.cgroupRoot ? { cgroupRoot: flags.cgroupRoot } : {}) },
        });
      } catch (err) {
        await runtime.stop();
        throw err;
      }
      const stop = async (signal: string): Promise<void> => {
        log.info({ signal }, 'shutting down (pods keep running)');
        await standalone.stop();
        await runtime.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}
