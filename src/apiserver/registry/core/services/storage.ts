import { type ResourceDefinition, defineResource } from '../../generic/resource.js';
import { nameIsDNS1035Label } from '../../../../apimachinery/names.js';
import { ServiceAllocators } from './allocators.js';
import { serviceCells, serviceColumns } from './printer.js';
import { createServiceStrategies } from './strategy.js';
import type { Service } from './types.js';

const allocatorsByDefinition = new WeakMap<object, ServiceAllocators>();

/**
 * The services resource with its own allocators (one per API server, so servers in one process
 * never share IPs). Start following the store with
 * `startServiceAllocation(serviceAllocatorsOf(def)!, store)` (allocation-sync.ts).
 */
export function createServicesResource(allocators = new ServiceAllocators()): ResourceDefinition<Service> {
  const { strategy, statusStrategy } = createServiceStrategies(allocators);
  const def = defineResource<Service>({
    group: '',
    version: 'v1',
    kind: 'Service',
    resource: 'services',
    singular: 'service',
    shortNames: ['svc'],
    categories: ['all'],
    namespaced: true,
    nameValidator: nameIsDNS1035Label,
    strategy,
    statusStrategy,
    table: { columns: serviceColumns, cells: serviceCells },
    selectableFields: {
      'spec.clusterIP': (svc) => svc.spec?.clusterIP ?? '',
      'spec.type': (svc) => svc.spec?.type ?? '',
    },
    extraSubresources: [{ name: 'proxy', group: '', version: 'v1', kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }],
  });
  allocatorsByDefinition.set(def, allocators);
  return def;
}

/** The allocators behind a services definition made by createServicesResource. */
export const serviceAllocatorsOf = (def: object): ServiceAllocators | undefined => allocatorsByDefinition.get(def);
