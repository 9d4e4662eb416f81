// `kite sim-nodes`: registers simulated nodes against a kite (or any Kubernetes) API server and
// keeps them alive until interrupted. A test tool; see docs/sim-nodes.md.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RestClient } from '../client/rest-client.js';
import { parseDurationMs, parseLabels, parseTaints } from '../simnodes/parse.js';
import { type SimNodes, startSimNodes } from '../simnodes/sim-nodes.js';

interface SimNodesFlags {
  count: number;
  kubeconfig?: string;
  namePrefix: string;
  startIndex: number;
  cpu: string;
  memory: string;
  pods: string;
  ephemeralStorage: string;
  labels?: string;
  taints?: string;
  leaseDuration: number;
  leaseRenewInterval: string;
  statusReportInterval: string;
  terminationDelay: string;
  stopHeartbeatsFile?: string;
  deleteOnExit?: boolean;
}

const defaultKubeconfig = (): string => process.env.KUBECONFIG?.split(':')[0] || join(homedir(), '.kube', 'config');

const durationFlag = (name: string, text: string): number => {
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new Error(`--${name}: invalid duration "${text}"`);
  return ms;
};

export function registerSimNodesCommand(program: Command): void {
  program
    .command('sim-nodes')
    .description('Register simulated nodes (no containers) that heartbeat and report their pods Running')
    .requiredOption('--count <n>', 'number of nodes', (v) => Number(v))
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default $KUBECONFIG or ~/.kube/config)')
    .option('--name-prefix <prefix>', 'node names are prefix + index', 'sim-')
    .option('--start-index <n>', 'index of the first node (name, node IP, pod CIDR)', (v) => Number(v), 0)
    .option('--cpu <quantity>', 'cpu capacity of each node', '4')
    .option('--memory <quantity>', 'memory capacity of each node', '16Gi')
    .option('--pods <n>', 'pod capacity of each node', '110')
    .option('--ephemeral-storage <quantity>', 'ephemeral-storage capacity of each node', '100Gi')
    .option('--labels <k=v,...>', 'extra node labels')
    .option('--taints <k=v:Effect,...>', 'node taints (kubectl taint syntax)')
    .option('--lease-duration <seconds>', 'leaseDurationSeconds of the node leases', (v) => Number(v), 40)
    .option('--lease-renew-interval <duration>', 'how often leases are renewed', '10s')
    .option('--status-report-interval <duration>', 'how often an unchanged node status is re-posted', '40s')
    .option('--termination-delay <duration>', 'delay before a pod marked for deletion is removed', '1s')
    .option('--stop-heartbeats-file <file>', 'node names listed in this file (one per line, or "*") stop heartbeating; re-read every second')
    .option('--delete-on-exit', 'delete the nodes and their leases on SIGINT/SIGTERM')
    .action(async (flags: SimNodesFlags) => {
      if (!Number.isInteger(flags.count) || flags.count < 1) throw new Error('--count must be a positive integer');
      const client = await RestClient.fromKubeconfig(flags.kubeconfig ?? defaultKubeconfig(), { userAgent: 'kite-sim-nodes' });
      const sim = await startSimNodes(client, {
        count: flags.count,
        namePrefix: flags.namePrefix,
        startIndex: flags.startIndex,
        shape: {
          cpu: flags.cpu,
          memory: flags.memory,
          pods: flags.pods,
          ephemeralStorage: flags.ephemeralStorage,
          labels: parseLabels(flags.labels),
          taints: parseTaints(flags.taints),
        },
        leaseDurationSeconds: flags.leaseDuration,
        leaseRenewIntervalMs: durationFlag('lease-renew-interval', flags.leaseRenewInterval),
        statusReportIntervalMs: durationFlag('status-report-interval', flags.statusReportInterval),
        terminationDelayMs: durationFlag('termination-delay', flags.terminationDelay),
        log: (msg, fields) => console.error(JSON.stringify({ msg, ...fields })),
      });
      console.log(`${sim.nodeNames.length} sim nodes running (${sim.nodeNames[0]} .. ${sim.nodeNames[sim.nodeNames.length - 1]})`);
      const timer = flags.stopHeartbeatsFile ? watchStopFile(sim, flags.stopHeartbeatsFile) : undefined;
      const stop = async (): Promise<void> => {
        if (timer) clearInterval(timer);
        await sim.stop({ deleteNodes: flags.deleteOnExit === true });
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}

/** Applies the stop-heartbeats file every second: listed nodes go silent, others resume. */
function watchStopFile(sim: SimNodes, file: string): NodeJS.Timeout {
  const apply = async (): Promise<void> => {
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch {
      // no file: every node heartbeats
    }
    const listed = new Set(text.split(/[\s,]+/).filter(Boolean));
    for (const name of sim.nodeNames) {
      const silent = listed.has('*') || listed.has(name);
      if (silent && !sim.heartbeatsStopped(name)) sim.stopHeartbeats(name);
      else if (!silent && sim.heartbeatsStopped(name)) sim.resumeHeartbeats(name);
    }
  };
  void apply();
  return setInterval(() => void apply(), 1000);
}
