// The pod's managed /etc/hosts (kubelet ensureHostsFile): localhost entries, the pod's own IPs
// with its hostname (and FQDN with a subdomain), then spec.hostAliases. A host-network pod gets
// the node's /etc/hosts plus its aliases. Written once per pod into <pod dir>/etc-hosts.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HostAlias } from 'kubernetes-types/core/v1.js';

const MANAGED_HEADER = '# Kubernetes-managed hosts file.\n';
const MANAGED_HEADER_HOST_NETWORK = '# Kubernetes-managed hosts file (host network).\n';

function aliasLines(aliases: HostAlias[] | undefined): string {
  if (!aliases?.length) return '';
  let out = '\n# Entries added by HostAliases.\n';
  for (const a of aliases) out += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`;
  return out;
}

/** The managed hosts file of a pod in its own network namespace. */
export function managedHostsContent(podIPs: string[], hostname: string, domain: string, aliases?: HostAlias[]): string {
  let out = MANAGED_HEADER;
  out += '127.0.0.1\tlocalhost\n';
  out += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\n';
  out += 'fe00::0\tip6-mcastprefix\n';
  out += 'fe00::1\tip6-allnodes\n';
  out += 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return out + aliasLines(aliases);
}

/** A host-network pod's hosts file: the node's, plus the pod's aliases. */
export function hostNetworkHostsContent(nodeHosts: string, aliases?: HostAlias[]): string {
  return MANAGED_HEADER_HOST_NETWORK + nodeHosts + aliasLines(aliases);
}

export interface EtcHostsOptions {
  podIPs: string[];
  hostname: string;
  domain: string;
  aliases?: HostAlias[];
  hostNetwork?: boolean;
  /** The node's hosts file (default /etc/hosts). */
  nodeHostsFile?: string;
}

/** Writes the pod's hosts file at `path` unless it exists already (containers share one file). */
export async function ensureHostsFile(path: string, opts: EtcHostsOptions): Promise<void> {
  try {
    await readFile(path);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  let content: string;
  if (opts.hostNetwork) {
    const node = await readFile(opts.nodeHostsFile ?? '/etc/hosts', 'utf8').catch(() => '');
    content = hostNetworkHostsContent(node, opts.aliases);
  } else {
    content = managedHostsContent(opts.podIPs, opts.hostname, opts.domain, opts.aliases);
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, { mode: 0o644 });
}
