import { formatLabelSelector } from '../../../../apimachinery/labels.js';
import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { type NetworkPolicy, networkPolicyStrategy } from './strategy.js';

export const networkpolicies = defineResource<NetworkPolicy>({
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  resource: 'networkpolicies',
  singular: 'networkpolicy',
  shortNames: ['netpol'],
  namespaced: true,
  strategy: networkPolicyStrategy,
  table: {
    columns: [
      { name: 'Pod-Selector', type: 'string', description: 'podSelector selects the pods to which this NetworkPolicy object applies.' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (np, now) => [formatLabelSelector(np.spec?.podSelector ?? {}), age(np, now)],
  },
});
