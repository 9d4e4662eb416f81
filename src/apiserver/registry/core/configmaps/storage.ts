import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { type ConfigMap, configMapStrategy } from './strategy.js';

export const configmaps = defineResource<ConfigMap>({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  resource: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  namespaced: true,
  strategy: configMapStrategy,
  table: {
    columns: [
      { name: 'Data', type: 'integer', description: 'Number of data entries' },
      { name: 'Age', type: 'string', description: 'Time since creation' },
    ],
    cells: (cm, now) => [Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, age(cm, now)],
  },
});
