// `kubectl get services` columns (printService): TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), AGE and
// with -o wide SELECTOR. The apiserver always prints the wide form, so load balancer addresses are
// never shortened.
import type { TableCell, TableColumn } from '../../generic/resource.js';
import { age } from '../../../handlers/table.js';
import type { Service } from './types.js';

export const serviceColumns: TableColumn[] = [
  { name: 'Type', type: 'string', description: 'type determines how the Service is exposed.' },
  { name: 'Cluster-IP', type: 'string', description: 'clusterIP is the IP address of the service and is usually assigned randomly.' },
  { name: 'External-IP', type: 'string', description: 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.' },
  { name: 'Port(s)', type: 'string', description: 'The list of ports that are exposed by this service.' },
  { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
  { name: 'Selector', type: 'string', priority: 1, description: 'Route service traffic to pods with label keys and values matching this selector.' },
];

/** labels.FormatLabels: sorted k=v pairs, "<none>" when empty. */
export const formatLabels = (labels: Record<string, string> | undefined): string => {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
};

function externalIP(svc: Service): string {
  const s = svc.spec ?? {};
  const external = s.externalIPs ?? [];
  switch (s.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = [...new Set((svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean))].sort();
      if (external.length) return [...lb, ...external].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return s.externalName ?? '';
    default:
      return '<unknown>';
  }
}

export function serviceCells(svc: Service, now: number): TableCell[] {
  const s = svc.spec ?? {};
  const ports = (s.ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(',');
  return [s.type ?? '', s.clusterIPs?.[0] ?? '<none>', externalIP(svc), ports || '<none>', age(svc, now), formatLabels(s.selector)];
}
