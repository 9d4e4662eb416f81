// The pod's resolv.conf as CRI DNSConfig (pkg/kubelet/network/dns): ClusterFirst points at the
// cluster DNS with the namespace's search path and ndots:5, Default copies the node's
// resolv.conf, None starts empty; spec.dnsConfig is merged on top, then the resolver limits apply.
import { readFileSync } from 'node:fs';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { DNSConfig } from '../runtime/types.js';

export const DEFAULT_CLUSTER_DNS = '10.43.0.10';
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_RESOLV_CONF = '/etc/resolv.conf';

const MAX_NAMESERVERS = 3;
const MAX_SEARCH_PATHS = 32;
const MAX_SEARCH_CHARS = 2048;
const MAX_DOMAIN_LENGTH = 253;

export interface DnsOptions {
  /** Cluster DNS server IPs (default 10.43.0.10); empty: ClusterFirst falls back to Default. */
  clusterDNS?: string[];
  /** Default "cluster.local". */
  clusterDomain?: string;
  /** The node's resolver file for dnsPolicy Default (default /etc/resolv.conf); "" means no host DNS. */
  resolvConf?: string;
  /** The node's IPs (for resolvConf ""). */
  nodeIPs?: string[];
}

export type DnsEvent = { type: 'Warning'; reason: 'DNSConfigForming' | 'MissingClusterDNS'; message: string };

/** Parses resolv.conf as the kubelet does: every nameserver, the last search line, merged options. */
export function parseResolvConf(text: string): Required<DNSConfig> {
  const servers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const fields = line.split(/\s+/);
    if (fields[0] === 'nameserver' && fields[1]) servers.push(fields[1]);
    if (fields[0] === 'search') searches = fields.slice(1).filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    if (fields[0] === 'options') options = mergeOptions(options, fields.slice(1).map(splitOption));
  }
  return { servers, searches, options };
}

function splitOption(op: string): { name: string; value?: string } {
  const i = op.indexOf(':');
  return i === -1 ? { name: op } : { name: op.slice(0, i), value: op.slice(i + 1) };
}

/** Later options replace earlier ones of the same name; the order of first appearance is kept. */
function mergeOptions(existing: string[], extra: { name: string; value?: string | null }[]): string[] {
  const map = new Map<string, string>();
  for (const op of existing) {
    const { name, value } = splitOption(op);
    map.set(name, value ?? '');
  }
  for (const op of extra) map.set(op.name, op.value ?? '');
  return [...map].map(([name, value]) => (value ? `${name}:${value}` : name));
}

const unique = (list: string[]): string[] => [...new Set(list)];

function hostDNS(opts: DnsOptions): Required<DNSConfig> {
  const path = opts.resolvConf ?? DEFAULT_RESOLV_CONF;
  if (path === '') {
    const servers = (opts.nodeIPs ?? []).map((ip) => (ip.includes(':') ? '::1' : '127.0.0.1'));
    return { servers: servers.length ? unique(servers) : ['127.0.0.1'], searches: ['.'], options: [] };
  }
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return parseResolvConf(text);
}

type DnsType = 'None' | 'Cluster' | 'Host';

function dnsType(pod: Pod): DnsType {
  switch (pod.spec?.dnsPolicy ?? 'ClusterFirst') {
    case 'None':
      return 'None';
    case 'ClusterFirstWithHostNet':
      return 'Cluster';
    case 'Default':
      return 'Host';
    default: // ClusterFirst: a host-network pod falls back to Default
      return pod.spec?.hostNetwork ? 'Host' : 'Cluster';
  }
}

function fitSearches(searches: string[], events: DnsEvent[]): string[] {
  let exceeded = false;
  let list = searches;
  if (list.length > MAX_SEARCH_PATHS) {
    list = list.slice(0, MAX_SEARCH_PATHS);
    exceeded = true;
  }
  const kept = list.filter((s) => s.length <= MAX_DOMAIN_LENGTH);
  if (kept.length !== list.length) exceeded = true;
  list = kept;
  let length = list.join(' ').length;
  if (length > MAX_SEARCH_CHARS) {
    while (list.length > 0 && length > MAX_SEARCH_CHARS) {
      length -= (list[list.length - 1] as string).length + 1;
      list = list.slice(0, -1);
    }
    exceeded = true;
  }
  if (exceeded) {
    events.push({ type: 'Warning', reason: 'DNSConfigForming', message: `Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${list.join(' ')}` });
  }
  return list;
}

/** The sandbox's DNSConfig, plus the warnings the kubelet would record as pod events. */
export function podDNSConfig(pod: Pod, opts: DnsOptions = {}): { dnsConfig: DNSConfig; events: DnsEvent[] } {
  const events: DnsEvent[] = [];
  const domain = opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const clusterDNS = opts.clusterDNS ?? [DEFAULT_CLUSTER_DNS];
  let type = dnsType(pod);
  let config: Required<DNSConfig> = type === 'None' ? { servers: [], searches: [], options: [] } : hostDNS(opts);
  if (type === 'Cluster' && clusterDNS.length === 0) {
    const msg = `kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.`;
    const m = pod.metadata ?? {};
    events.push({ type: 'Warning', reason: 'MissingClusterDNS', message: `pod: "${m.name}_${m.namespace}(${m.uid})". ${msg}` });
    type = 'Host';
  }
  if (type === 'Cluster') {
    const ns = pod.metadata?.namespace ?? 'default';
    const clusterSearch = domain ? [`${ns}.svc.${domain}`, `svc.${domain}`, domain] : [];
    config = { servers: [...clusterDNS], searches: unique([...clusterSearch, ...config.searches]), options: ['ndots:5'] };
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    config = {
      servers: unique([...config.servers, ...(extra.nameservers ?? [])]),
      searches: unique([...config.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(config.options, (extra.options ?? []).map((o) => ({ name: o.name ?? '', value: o.value }))),
    };
  }
  if (config.servers.length > MAX_NAMESERVERS) {
    config.servers = config.servers.slice(0, MAX_NAMESERVERS);
    events.push({ type: 'Warning', reason: 'DNSConfigForming', message: `Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${config.servers.join(' ')}` });
  }
  config.searches = fitSearches(config.searches, events);
  return { dnsConfig: config, events };
}
