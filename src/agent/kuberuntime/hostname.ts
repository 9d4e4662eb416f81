// The pod's hostname and domain (kubelet GeneratePodHostNameAndDomain, GetNodenameForKernel):
// spec.hostname or the pod name, cut to 63 characters; spec.subdomain gives the domain
// <subdomain>.<ns>.svc.<cluster domain>; setHostnameAsFQDN puts hostname.domain in the kernel.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isDNS1123Label } from '../../apimachinery/names.js';

const HOSTNAME_MAX = 63;
const FQDN_MAX = 64;

export class PodHostnameError extends Error {
  override readonly name = 'PodHostnameError';
}

function truncate(podName: string, hostname: string): string {
  if (hostname.length <= HOSTNAME_MAX) return hostname;
  const cut = hostname.slice(0, HOSTNAME_MAX).replace(/[-.]+$/, '');
  if (!cut) throw new PodHostnameError(`hostname for pod "${podName}" was invalid: "${hostname}"`);
  return cut;
}

/** Hostname and domain ("" without a subdomain). Throws PodHostnameError for invalid labels. */
export function podHostnameAndDomain(pod: Pod, clusterDomain: string): { hostname: string; domain: string } {
  const podName = pod.metadata?.name ?? '';
  let hostname = podName;
  const wanted = pod.spec?.hostname;
  if (wanted) {
    const msgs = isDNS1123Label(wanted);
    if (msgs.length) throw new PodHostnameError(`pod Hostname "${wanted}" is not a valid DNS label: ${msgs.join(';')}`);
    hostname = wanted;
  }
  hostname = truncate(podName, hostname);
  let domain = '';
  const sub = pod.spec?.subdomain;
  if (sub) {
    const msgs = isDNS1123Label(sub);
    if (msgs.length) throw new PodHostnameError(`pod Subdomain "${sub}" is not a valid DNS label: ${msgs.join(';')}`);
    domain = `${sub}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}`;
  }
  return { hostname, domain };
}

/** What the sandbox's UTS namespace is given: the hostname, or the FQDN with setHostnameAsFQDN. */
export function kernelHostname(pod: Pod, hostname: string, domain: string): string {
  if (!domain || pod.spec?.setHostnameAsFQDN !== true) return hostname;
  const fqdn = `${hostname}.${domain}`;
  if (fqdn.length > FQDN_MAX) {
    throw new PodHostnameError(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${FQDN_MAX} characters is the max, ${fqdn.length} characters requested)`);
  }
  return fqdn;
}
