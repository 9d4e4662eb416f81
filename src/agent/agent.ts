// The node agent (kite's kubelet): registers the node and keeps it alive (node/), and runs the
// pods bound to it through the container runtime (pods/). startAgent() works over any Client and
// ContainerRuntime (a remote `kite agent`, the agent embedded in `kite server`, or unit tests with
// fakes); embedAgent() is what `kite server` calls: it also starts kite's own containerd.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { type Clock, realClock } from '../client/clock.js';
import type { Log } from '../client/controller-base.js';
import { EventRecorder } from '../client/event-recorder.js';
import type { Client } from '../client/types.js';
import { type RuntimeHandle, type StartRuntimeOptions, startContainerRuntime } from './containerd/start.js';
import type { SupervisorLogger } from './containerd/supervisor.js';
import type { DnsOptions } from './kuberuntime/dns.js';
import { clientResolveContext } from './kuberuntime/resolve-context.js';
import { DEFAULT_CGROUP_ROOT } from './kuberuntime/qos.js';
import { type HostInfo, readHostInfo } from './node/host-info.js';
import { NodeAgent } from './node/node-status.js';
import type { RecordEvent } from './pods/images.js';
import { KubeConfigBuilder, type PodVolumeManager } from './pods/kube-builder.js';
import { podRef } from './pods/pod-sync.js';
import type { NodeAllocatable } from './kuberuntime/fieldpath.js';
import { VolumeManager } from './volumes/volume-manager.js';
import { CgroupfsPodCgroups, type PodCgroups } from './pods/pod-cgroups.js';
import { PodController } from './pods/pod-controller.js';
import { serviceCachedContext } from './pods/service-cache.js';
import { ProbeManager } from './pods/probe-manager.js';
import type { PodConfigBuilder, PodProber } from './pods/seams.js';
import type { ContainerRuntime } from './runtime/runtime.js';

/** pino's Logger fits. */
export type AgentLogger = SupervisorLogger;

export interface AgentOptions {
  client: Client;
  runtime: ContainerRuntime;
  /** Pod files, volumes and logs live under it. */
  dataDir: string;
  /** Default: the host name, lower case. */
  nodeName?: string;
  log?: AgentLogger;
  clock?: Clock;
  /** Labels the node as node-role.kubernetes.io/control-plane (the agent embedded in `kite server`). */
  controlPlane?: boolean;
  /** Extra node labels. */
  labels?: Record<string, string>;
  /** spec.podCIDR of a node this agent creates. */
  podCIDR?: string;
  /** Port of the agent's API the Node advertises (default 10250). */
  kubeletPort?: number;
  /** Pod cgroups go under it (default /kite). */
  cgroupRoot?: string;
  /** Default: cgroupfs under cgroupRoot. */
  cgroups?: PodCgroups;
  /** Default: kuberuntime's builders (KubeConfigBuilder). */
  builder?: PodConfigBuilder;
  /** Default: volumes/VolumeManager over the API. */
  volumes?: PodVolumeManager;
  /** Default: the ProbeManager (probes/ runners on the agent's clock). */
  prober?: PodProber;
  dns?: DnsOptions;
  /** Default: read from this machine. */
  hostInfo?: () => Promise<HostInfo>;
  relistPeriodMs?: number;
  housekeepingPeriodMs?: number;
  statusIntervalMs?: number;
}

export interface Agent {
  nodeName: string;
  node: NodeAgent;
  pods: PodController;
  recorder: EventRecorder;
  /** Stops the agent's loops (running containers are left running); resolves once they ended. */
  stop(): Promise<void>;
}

const silent: AgentLogger = { info() {}, warn() {}, error() {} };

function logFn(log: AgentLogger, level: 'info' | 'warn' | 'error'): Log {
  return (msg, fields) => log[level](fields ?? {}, msg);
}

/** Registers the node, waits for this node's pods to be listed, then runs the node and pod loops. */
export async function startAgent(opts: AgentOptions): Promise<Agent> {
  const log = opts.log ?? silent;
  const clock = opts.clock ?? realClock;
  const nodeName = (opts.nodeName ?? hostname()).toLowerCase();
  const hostInfo = opts.hostInfo ?? (() => readHostInfo(opts.dataDir));
  const recorder = new EventRecorder(opts.client, { component: 'kubelet', host: nodeName }, { clock, log: logFn(log, 'warn') });
  const record: RecordEvent = (ref, type, reason, message) => recorder.event(ref, type, reason, message);

  const node = new NodeAgent({
    client: opts.client, runtime: opts.runtime, clock, hostInfo, log: logFn(log, 'info'), warn: logFn(log, 'warn'),
    name: nodeName, labels: opts.labels, controlPlane: opts.controlPlane, podCIDR: opts.podCIDR, kubeletPort: opts.kubeletPort,
    statusIntervalMs: opts.statusIntervalMs, statusReportIntervalMs: opts.statusIntervalMs,
  });
  await node.register();
  const info = await hostInfo();
  const cgroupRoot = opts.cgroupRoot ?? DEFAULT_CGROUP_ROOT;
  const services = serviceCachedContext(opts.client, clientResolveContext(opts.client), clock);
  const context = services.context;
  const nodeAllocatable = (): NodeAllocatable => {
    const a = node.node?.status?.allocatable ?? {};
    return { cpu: a.cpu, memory: a.memory, 'ephemeral-storage': a['ephemeral-storage'] };
  };
  const volumeManager = opts.volumes ? undefined : new VolumeManager({
    dataDir: opts.dataDir, context, clock, nodeAllocatable, log: logFn(log, 'warn'),
    recordEvent: (pod, e) => record(podRef(pod), e.type, e.reason, e.message),
  });
  volumeManager?.start();
  const builder = opts.builder ?? new KubeConfigBuilder({
    dataDir: opts.dataDir, cgroupRoot, runtime: opts.runtime, context, volumes: opts.volumes ?? volumeManager,
    dns: opts.dns, nodeIPs: () => node.nodeIPs(), memoryCapacityBytes: info.memoryBytes, record, nodeAllocatable,
  });
  const prober = opts.prober ?? new ProbeManager({ runtime: opts.runtime, clock, record });
  const pods = new PodController({
    client: opts.client, nodeName, runtime: opts.runtime, builder, prober,
    cgroups: opts.cgroups ?? new CgroupfsPodCgroups(cgroupRoot), record, clock, nodeIPs: () => node.nodeIPs(),
    log: logFn(log, 'warn'), info: logFn(log, 'info'), relistPeriodMs: opts.relistPeriodMs, housekeepingPeriodMs: opts.housekeepingPeriodMs,
  });

  const abort = new AbortController();
  const servicesDone = services.run(abort.signal).catch((err: unknown) => log.warn({ error: String(err) }, 'service watch ended'));
  const podsDone = pods.run(abort.signal);
  const nodeDone = node.run(abort.signal);
  if (!(await pods.informer.waitForSync(abort.signal))) throw new Error('the pod informer stopped before it synced');
  log.info({ node: nodeName }, 'agent ready');

  let stopping: Promise<void> | undefined;
  return {
    nodeName,
    node,
    pods,
    recorder,
    stop: () => {
      stopping ??= (async () => {
        abort.abort();
        prober.stop();
        volumeManager?.stop();
        await Promise.all([podsDone, nodeDone, servicesDone]);
        await recorder.flush();
      })();
      return stopping;
    },
  };
}

export interface EmbedAgentOptions {
  /** The in-process client `kite server` gives its controllers. */
  client: Client;
  /** The server's data dir: the agent uses <dataDir>/agent (containerd, pod files, logs). */
  dataDir: string;
  log?: AgentLogger;
  nodeName?: string;
  /** Use an existing CRI endpoint instead of starting containerd. */
  containerRuntimeEndpoint?: string;
  /** Passed to kite's containerd (pod CIDR, bridge name, ...). */
  runtime?: Omit<StartRuntimeOptions, 'dataDir' | 'endpoint'>;
  /** Pod cgroups go under it (default /kite). */
  cgroupRoot?: string;
  /** spec.podCIDR of the Node (default: the runtime's podCidr). */
  podCIDR?: string;
  /** Port of the agent's API the Node advertises (default 10250). */
  kubeletPort?: number;
}

export interface EmbeddedAgent {
  agent: Agent;
  runtime: RuntimeHandle;
  /** Stops the agent, then containerd (pods keep running in their shims). */
  stop(): Promise<void>;
}

export { agentUnavailableReason } from './availability.js';

/** The agent inside `kite server`: kite's containerd (with the pause image) + startAgent as a control-plane node. */
export async function embedAgent(opts: EmbedAgentOptions): Promise<EmbeddedAgent> {
  const dataDir = join(opts.dataDir, 'agent');
  const runtime = await startContainerRuntime({ ...opts.runtime, dataDir, endpoint: opts.containerRuntimeEndpoint, logger: opts.log, importPauseImage: true });
  let agent: Agent;
  try {
    agent = await startAgent({
      client: opts.client, runtime: runtime.runtime, dataDir, log: opts.log, nodeName: opts.nodeName, controlPlane: true, podCIDR: opts.podCIDR ?? opts.runtime?.podCidr, cgroupRoot: opts.cgroupRoot, kubeletPort: opts.kubeletPort,
    });
  } catch (err) {
    await runtime.stop();
    throw err;
  }
  return {
    agent,
    runtime,
    stop: async () => {
      await agent.stop();
      await runtime.stop();
    },
  };
}
