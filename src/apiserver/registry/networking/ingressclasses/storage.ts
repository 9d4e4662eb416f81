import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { type IngressClass, ingressClassStrategy } from './strategy.js';

/** PARAMETERS: "<kind>[.<apiGroup>]/<name>", or "<none>". */
export function formatParameters(ic: IngressClass): string {
  const p = ic.spec?.parameters;
  if (!p) return '<none>';
  return `${p.kind ?? ''}${p.apiGroup !== undefined ? `.${p.apiGroup}` : ''}/${p.name ?? ''}`;
}

export const ingressclasses = defineResource<IngressClass>({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  resource: 'ingressclasses',
  singular: 'ingressclass',
  namespaced: false,
  strategy: ingressClassStrategy,
  table: {
    columns: [
      { name: 'Controller', type: 'string', description: 'Controller that is responsible for handling this class' },
      { name: 'Parameters', type: 'string', description: 'A reference to a resource with additional parameters' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (ic, now) => [ic.spec?.controller ?? '', formatParameters(ic), age(ic, now)],
  },
});
