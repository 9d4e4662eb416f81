import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { type Endpoints, endpointsStrategy } from './strategy.js';

/** printEndpoints: up to three ip:port pairs, then " + N more...". */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = (ss.ports ?? []).length ? (ss.ports ?? []).map((p) => p.port) : [undefined];
    for (const port of ports) {
      for (const a of addresses) {
        count++;
        if (list.length < max) list.push(port === undefined ? a.ip : a.ip.includes(':') ? `[${a.ip}]:${port}` : `${a.ip}:${port}`);
      }
    }
  }
  const text = list.join(',');
  return count > max ? `${text} + ${count - max} more...` : text;
}

export const endpoints = defineResource<Endpoints>({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  resource: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  strategy: endpointsStrategy,
  table: {
    columns: [
      { name: 'Endpoints', type: 'string', description: 'The set of all endpoints is the union of all subsets.' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (ep, now) => [formatEndpoints(ep), age(ep, now)],
  },
});
