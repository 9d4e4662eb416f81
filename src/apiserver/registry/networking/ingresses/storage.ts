import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { type Ingress, ingressStatusStrategy, ingressStrategy } from './strategy.js';

const MAX_HOSTS = 3;

/** formatHosts: up to three hosts, "*" when no rule names one. */
export function formatIngressHosts(ing: Ingress): string {
  const rules = ing.spec?.rules ?? [];
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === MAX_HOSTS) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - MAX_HOSTS} more...` : list.join(',');
}

/** ingressLoadBalancerStatusStringer (wide): the distinct IPs or hostnames. */
export function formatIngressAddress(ing: Ingress): string {
  const seen = new Set<string>();
  for (const lb of ing.status?.loadBalancer?.ingress ?? []) {
    if (lb.ip) seen.add(lb.ip);
    else if (lb.hostname) seen.add(lb.hostname);
  }
  return [...seen].join(',');
}

export const ingresses = defineResource<Ingress>({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  resource: 'ingresses',
  singular: 'ingress',
  shortNames: ['ing'],
  namespaced: true,
  strategy: ingressStrategy,
  statusStrategy: ingressStatusStrategy,
  table: {
    columns: [
      { name: 'Class', type: 'string', description: 'The name of the IngressClass resource that should be used for additional configuration' },
      { name: 'Hosts', type: 'string', description: 'Hosts that incoming requests are matched against before the ingress rule' },
      { name: 'Address', type: 'string', description: 'Address is a list containing ingress points for the load-balancer' },
      { name: 'Ports', type: 'string', description: 'Ports of TLS configurations that open' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (ing, now) => [
      ing.spec?.ingressClassName ?? '<none>',
      formatIngressHosts(ing),
      formatIngressAddress(ing),
      (ing.spec?.tls ?? []).length ? '80, 443' : '80',
      age(ing, now),
    ],
  },
});
