import { defineResource } from '../../generic/resource.js';
import { age } from '../../../handlers/table.js';
import { quantityText } from '../quantity.js';
import { type ResourceQuota, resourceQuotaStatusStrategy, resourceQuotaStrategy } from './strategy.js';

/** printResourceQuota: "name: used/hard" per resource, limits.* in LIMIT, the rest in REQUEST. */
export function quotaColumns(rq: ResourceQuota): [string, string] {
  const hard = rq.status?.hard ?? {};
  const used = rq.status?.used ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const text = `${name}: ${quantityText(used[name] ?? '0')}/${quantityText(hard[name])}`;
    (name.split('.').length > 1 && name.startsWith('limits.') ? limit : request).push(text);
  }
  return [request.join(', '), limit.join(', ')];
}

export const resourcequotas = defineResource<ResourceQuota>({
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  resource: 'resourcequotas',
  singular: 'resourcequota',
  shortNames: ['quota'],
  namespaced: true,
  strategy: resourceQuotaStrategy,
  statusStrategy: resourceQuotaStatusStrategy,
  table: {
    columns: [
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
      { name: 'Request', type: 'string', description: 'Request represents a minimum amount of cpu/memory that a container may consume.' },
      { name: 'Limit', type: 'string', description: 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.' },
    ],
    cells: (rq, now) => [age(rq, now), ...quotaColumns(rq)],
  },
});
