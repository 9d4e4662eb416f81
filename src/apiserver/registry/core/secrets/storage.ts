import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { type Secret, secretStrategy } from './strategy.js';

export const secrets = defineResource<Secret>({
  group: '',
  version: 'v1',
  kind: 'Secret',
  resource: 'secrets',
  singular: 'secret',
  namespaced: true,
  strategy: secretStrategy,
  table: {
    columns: [
      { name: 'Type', type: 'string', description: 'The type of the secret' },
      { name: 'Data', type: 'integer', description: 'Number of data entries' },
      { name: 'Age', type: 'string', description: 'Time since creation' },
    ],
    cells: (s, now) => [s.type ?? 'Opaque', Object.keys(s.data ?? {}).length, age(s, now)],
  },
  selectableFields: { type: (s) => s.type ?? 'Opaque' },
});
