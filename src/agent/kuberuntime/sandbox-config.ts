// Pod -> CRI PodSandboxConfig, as the kubelet's generatePodSandboxConfig builds it: identity,
// hostname, log directory, DNS, host ports, labels, and the Linux part (pod cgroup by QoS,
// namespaces, run-as, supplemental groups, sysctls, privileged, resources and overhead).
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodSandboxConfig, PortMapping, Protocol } from '../runtime/types.js';
import { DEFAULT_CLUSTER_DOMAIN, type DnsEvent, type DnsOptions, podDNSConfig } from './dns.js';
import { kernelHostname, podHostnameAndDomain } from './hostname.js';
import { podSandboxAnnotations, podSandboxLabels } from './labels.js';
import { podLogsDir } from './paths.js';
import { DEFAULT_CGROUP_ROOT, podCgroupParent } from './qos.js';
import { overheadLinuxResources, sandboxLinuxResources } from './resources.js';
import { sandboxSecurityContext } from './security-context.js';

export interface SandboxConfigOptions {
  /** The agent's data dir: logs go to <dataDir>/log/pods/<ns>_<name>_<uid>. */
  dataDir: string;
  /** How many sandboxes this pod had before (0 for the first). */
  attempt?: number;
  /** Cgroup root for pods (default /kite): pods go to <root>[/burstable|/besteffort]/pod<uid>. */
  cgroupRoot?: string;
  dns?: DnsOptions;
  /** Pod events the kubelet would record (DNSConfigForming, MissingClusterDNS). */
  recordEvent?: (event: DnsEvent) => void;
}

const PROTOCOLS: Record<string, Protocol> = { TCP: 'TCP', UDP: 'UDP', SCTP: 'SCTP' };

/** Every container port with a hostPort (hostPort 0 publishes nothing, so it is left out). */
export function podPortMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      const mapping: PortMapping = { protocol: PROTOCOLS[p.protocol ?? 'TCP'] ?? 'TCP', containerPort: p.containerPort, hostPort: p.hostPort };
      if (p.hostIP) mapping.hostIp = p.hostIP;
      out.push(mapping);
    }
  }
  return out;
}

/** The sandbox config. Throws PodHostnameError for an unusable hostname/subdomain. */
export function buildSandboxConfig(pod: Pod, opts: SandboxConfigOptions): PodSandboxConfig {
  const meta = pod.metadata ?? {};
  const name = meta.name ?? '';
  const namespace = meta.namespace ?? 'default';
  const uid = meta.uid ?? '';
  const config: PodSandboxConfig = {
    metadata: { name, namespace, uid, attempt: opts.attempt ?? 0 },
    logDirectory: podLogsDir(opts.dataDir, namespace, name, uid),
    labels: podSandboxLabels(pod),
    annotations: podSandboxAnnotations(pod),
  };
  if (!pod.spec?.hostNetwork) {
    const { hostname, domain } = podHostnameAndDomain(pod, opts.dns?.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
    config.hostname = kernelHostname(pod, hostname, domain);
  }
  const { dnsConfig, events } = podDNSConfig(pod, opts.dns);
  config.dnsConfig = dnsConfig;
  for (const e of events) opts.recordEvent?.(e);
  const ports = podPortMappings(pod);
  if (ports.length) config.portMappings = ports;

  const sysctls: Record<string, string> = {};
  for (const s of pod.spec?.securityContext?.sysctls ?? []) sysctls[s.name] = s.value;
  const overhead = overheadLinuxResources(pod);
  config.linux = {
    cgroupParent: podCgroupParent(pod, opts.cgroupRoot ?? DEFAULT_CGROUP_ROOT),
    securityContext: sandboxSecurityContext(pod),
    sysctls,
    resources: sandboxLinuxResources(pod),
    ...(overhead ? { overhead } : {}),
  };
  return config;
}
