import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { type Lease, leaseStrategy } from './strategy.js';

export const leases = defineResource<Lease>({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  resource: 'leases',
  singular: 'lease',
  namespaced: true,
  strategy: leaseStrategy,
  table: {
    columns: [
      { name: 'Holder', type: 'string', description: 'holderIdentity contains the identity of the holder of a current lease.' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (lease, now) => [lease.spec?.holderIdentity ?? '', age(lease, now)],
  },
});
