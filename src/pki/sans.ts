// Subject alternative names of the API server's serving certificate.
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

export interface SubjectAltNames {
  dns: string[];
  ips: string[];
}

/** The names in-cluster clients use for the `kubernetes` Service (cluster domain cluster.local). */
export const KUBERNETES_SERVICE_NAMES = [
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];
/** The first address of the service CIDR 10.43.0.0/16: the `kubernetes` Service's ClusterIP. */
export const KUBERNETES_SERVICE_IP = '10.43.0.1';

/** IPv6 text has many spellings (::1, 0:0::1); the URL parser gives one canonical form to compare. */
export function canonicalIp(ip: string): string {
  if (isIP(ip) === 6) return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  return ip;
}

export function canonicalDns(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Sorts names into DNS and IP SANs, canonical and without duplicates. */
export function classifySans(names: Iterable<string>): SubjectAltNames {
  const dns = new Set<string>();
  const ips = new Set<string>();
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    const bare = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
    if (isIP(bare)) ips.add(canonicalIp(bare));
    else dns.add(canonicalDns(name));
  }
  return { dns: [...dns], ips: [...ips] };
}

/** This host's names: its hostname and, for a dotted one, its first label too. */
export function hostNames(): string[] {
  const name = canonicalDns(hostname());
  const short = name.split('.')[0] ?? name;
  return short !== name ? [name, short] : [name];
}

/** Every non-loopback address of this host (IPv4 and IPv6; the zone of a link-local address dropped). */
export function hostAddresses(): string[] {
  const found: string[] = [];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (!address.internal) found.push(address.address.split('%')[0]!);
    }
  }
  return found;
}

/** The SANs the serving certificate must carry: well-known names, the host's names and addresses, extras. */
export function servingSans(extraSans: string[] = []): SubjectAltNames {
  return classifySans([
    'localhost',
    ...KUBERNETES_SERVICE_NAMES,
    ...hostNames(),
    '127.0.0.1',
    '::1',
    KUBERNETES_SERVICE_IP,
    ...hostAddresses(),
    ...extraSans,
  ]);
}
