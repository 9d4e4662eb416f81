import { labelSelectorToString } from '../../../../apimachinery/labels.js';
import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { containerImages } from '../workload.js';
import { type Deployment, deploymentStatusStrategy, deploymentStrategy } from './strategy.js';

export const deployments = defineResource<Deployment>({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  resource: 'deployments',
  singular: 'deployment',
  shortNames: ['deploy'],
  categories: ['all'],
  namespaced: true,
  strategy: deploymentStrategy,
  statusStrategy: deploymentStatusStrategy,
  scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' },
  table: {
    columns: [
      { name: 'Ready', type: 'string', description: 'Number of the pod with ready state' },
      { name: 'Up-to-date', type: 'string', description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.' },
      { name: 'Available', type: 'string', description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.' },
      { name: 'Age', type: 'string', description: 'Time since creation' },
      { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.' },
      { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.' },
      { name: 'Selector', type: 'string', priority: 1, description: 'Label selector for pods.' },
    ],
    cells: (d, now) => {
      const { names, images } = containerImages(d.spec?.template);
      return [
        `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
        d.status?.updatedReplicas ?? 0,
        d.status?.availableReplicas ?? 0,
        age(d, now),
        names,
        images,
        labelSelectorToString(d.spec?.selector),
      ];
    },
  },
});
