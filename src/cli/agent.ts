// `kite agent`: runs a node agent against a kite (or Kubernetes) API server. Starts kite's own
// containerd (with the pause image) unless --container-runtime-endpoint names an existing one.
import type { Command } from 'commander';
import { pino } from 'pino';
import { startAgent } from '../agent/agent.js';
import { startContainerRuntime } from '../agent/containerd/start.js';
import { DEFAULT_AGENT_DATA_DIR } from '../agent/containerd/paths.js';
import { RestClient } from '../client/rest-client.js';

interface AgentFlags {
  server?: string;
  kubeconfig: string;
  nodeName?: string;
  dataDir: string;
  containerRuntimeEndpoint?: string;
  podCidr?: string;
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
    .description('Run a node agent: register this machine as a node and run its pods with containerd')
    .requiredOption('--kubeconfig <file>', 'credentials (and, without --server, the address) of the API server')
    .option('--server <url>', 'API server URL (overrides the kubeconfig)')
    .option('--node-name <name>', 'name of the node (default: the host name)')
    .option('--data-dir <dir>', "where containerd's state, pod files and logs live", DEFAULT_AGENT_DATA_DIR)
    .option('--container-runtime-endpoint <url>', 'use this CRI endpoint (unix://...) instead of starting containerd')
    .option('--pod-cidr <cidr>', "subnet of this node's pods (kite's containerd only)")
    .option('--node-label <key=value...>', 'extra labels of the node')
    .action(async (flags: AgentFlags) => {
      const log = pino({ name: 'kite-agent', level: process.env.KITE_LOG_LEVEL ?? 'info' });
      const client = await RestClient.fromKubeconfig(flags.kubeconfig, flags.server ? { server: flags.server } : {});
      const runtime = await startContainerRuntime({
        dataDir: flags.dataDir,
        endpoint: flags.containerRuntimeEndpoint,
        importPauseImage: true,
        logger: log,
        ...(flags.podCidr ? { podCidr: flags.podCidr } : {}),
      });
      log.info({ endpoint: runtime.endpoint }, 'container runtime ready');
      let agent;
      try {
        agent = await startAgent({
          client, runtime: runtime.runtime, dataDir: flags.dataDir, nodeName: flags.nodeName, log,
          labels: parseLabels(flags.nodeLabel), podCIDR: flags.podCidr,
        });
      } catch (err) {
        await runtime.stop();
        throw err;
      }
      const stop = async (signal: string): Promise<void> => {
        log.info({ signal }, 'shutting down (pods keep running)');
        await agent.stop();
        await runtime.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}
