import { labelSelectorToString } from '../../../../apimachinery/labels.js';
import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { containerImages } from '../workload.js';
import { type DaemonSet, daemonSetStatusStrategy, daemonSetStrategy } from './strategy.js';

const nodeSelectorText = (ds: DaemonSet): string => {
  const selector = (ds.spec?.template?.spec?.nodeSelector ?? {}) as Record<string, string>;
  const pairs = Object.entries(selector).map(([k, v]) => `${k}=${v}`);
  return pairs.length ? pairs.join(',') : '<none>';
};

export const daemonsets = defineResource<DaemonSet>({
  group: 'apps',
  version: 'v1',
  kind: 'DaemonSet',
  resource: 'daemonsets',
  singular: 'daemonset',
  shortNames: ['ds'],
  categories: ['all'],
  namespaced: true,
  strategy: daemonSetStrategy,
  statusStrategy: daemonSetStatusStrategy,
  table: {
    columns: [
      { name: 'Desired', type: 'integer', description: 'The total number of nodes that should be running the daemon pod.' },
      { name: 'Current', type: 'integer', description: 'The number of nodes that are running at least 1 daemon pod.' },
      { name: 'Ready', type: 'integer', description: 'The number of nodes that should be running the daemon pod and have one or more ready.' },
      { name: 'Up-to-date', type: 'integer', description: 'The total number of nodes that are running updated daemon pod' },
      { name: 'Available', type: 'integer', description: 'The number of nodes that should be running the daemon pod and have one or more available.' },
      { name: 'Node Selector', type: 'string', description: 'NodeSelector is a selector which must be true for the pod to fit on a node.' },
      { name: 'Age', type: 'string', description: 'Time since creation' },
      { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.' },
      { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.' },
      { name: 'Selector', type: 'string', priority: 1, description: 'Label selector for pods.' },
    ],
    cells: (ds, now) => {
      const s = ds.status ?? {};
      const { names, images } = containerImages(ds.spec?.template);
      return [
        s.desiredNumberScheduled ?? 0,
        s.currentNumberScheduled ?? 0,
        s.numberReady ?? 0,
        s.updatedNumberScheduled ?? 0,
        s.numberAvailable ?? 0,
        nodeSelectorText(ds),
        age(ds, now),
        names,
        images,
        labelSelectorToString(ds.spec?.selector),
      ];
    },
  },
});
