import { defineResource } from '../../generic/resource.js';
import { formatLabels } from '../services/printer.js';
import { type PodTemplate, podTemplateStrategy } from './strategy.js';

export const podtemplates = defineResource<PodTemplate>({
  group: '',
  version: 'v1',
  kind: 'PodTemplate',
  resource: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  strategy: podTemplateStrategy,
  table: {
    columns: [
      { name: 'Containers', type: 'string', description: 'Names of each container in the template.' },
      { name: 'Images', type: 'string', description: 'Images referenced by each container in the template.' },
      { name: 'Pod Labels', type: 'string', description: 'The labels for the pod template.' },
    ],
    cells: (pt) => {
      const containers = pt.template?.spec?.containers ?? [];
      return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(','), formatLabels(pt.template?.metadata?.labels)];
    },
  },
});
