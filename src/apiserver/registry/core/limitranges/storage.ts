import { defineResource } from '../../generic/resource.js';
import { type LimitRange, limitRangeStrategy } from './strategy.js';

export const limitranges = defineResource<LimitRange>({
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  resource: 'limitranges',
  singular: 'limitrange',
  shortNames: ['limits'],
  namespaced: true,
  strategy: limitRangeStrategy,
  table: {
    columns: [{ name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' }],
    cells: (lr) => [lr.metadata.creationTimestamp ?? null],
  },
});
