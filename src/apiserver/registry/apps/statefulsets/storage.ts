import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { containerImages } from '../workload.js';
import { type StatefulSet, statefulSetStatusStrategy, statefulSetStrategy } from './strategy.js';

export const statefulsets = defineResource<StatefulSet>({
  group: 'apps',
  version: 'v1',
  kind: 'StatefulSet',
  resource: 'statefulsets',
  singular: 'statefulset',
  shortNames: ['sts'],
  categories: ['all'],
  namespaced: true,
  strategy: statefulSetStrategy,
  statusStrategy: statefulSetStatusStrategy,
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  table: {
    columns: [
      { name: 'Ready', type: 'string', description: 'Number of the pod with ready state' },
      { name: 'Age', type: 'string', description: 'Time since creation' },
      { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.' },
      { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.' },
    ],
    cells: (sts, now) => {
      const { names, images } = containerImages(sts.spec?.template);
      return [`${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`, age(sts, now), names, images];
    },
  },
});
