import { labelSelectorToString } from '../../../../apimachinery/labels.js';
import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { containerImages } from '../workload.js';
import { type ReplicaSet, replicaSetStatusStrategy, replicaSetStrategy } from './strategy.js';

export const replicasets = defineResource<ReplicaSet>({
  group: 'apps',
  version: 'v1',
  kind: 'ReplicaSet',
  resource: 'replicasets',
  singular: 'replicaset',
  shortNames: ['rs'],
  categories: ['all'],
  namespaced: true,
  strategy: replicaSetStrategy,
  statusStrategy: replicaSetStatusStrategy,
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  table: {
    columns: [
      { name: 'Desired', type: 'integer', description: 'Number of desired pods.' },
      { name: 'Current', type: 'integer', description: 'Number of actual pods.' },
      { name: 'Ready', type: 'integer', description: 'Number of ready pods.' },
      { name: 'Age', type: 'string', description: 'Time since creation' },
      { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.' },
      { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.' },
      { name: 'Selector', type: 'string', priority: 1, description: 'Label selector for pods.' },
    ],
    cells: (rs, now) => {
      const { names, images } = containerImages(rs.spec?.template);
      return [rs.spec?.replicas ?? 0, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, age(rs, now), names, images, labelSelectorToString(rs.spec?.selector)];
    },
  },
});
