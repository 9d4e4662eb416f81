import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { type PodDisruptionBudget, pdbStatusStrategy, pdbStrategy } from './strategy.js';

const intOrString = (v: number | string | undefined): string => (v === undefined ? 'N/A' : String(v));

export const poddisruptionbudgets = defineResource<PodDisruptionBudget>({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  resource: 'poddisruptionbudgets',
  singular: 'poddisruptionbudget',
  shortNames: ['pdb'],
  namespaced: true,
  strategy: pdbStrategy,
  statusStrategy: pdbStatusStrategy,
  table: {
    columns: [
      { name: 'Min Available', type: 'string', description: 'The minimum number of pods that must be available.' },
      { name: 'Max Unavailable', type: 'string', description: 'The maximum number of pods that may be unavailable.' },
      { name: 'Allowed Disruptions', type: 'integer', description: 'Calculated number of pods that may be disrupted at this time.' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (pdb, now) => [intOrString(pdb.spec?.minAvailable), intOrString(pdb.spec?.maxUnavailable), pdb.status?.disruptionsAllowed ?? 0, age(pdb, now)],
  },
});
