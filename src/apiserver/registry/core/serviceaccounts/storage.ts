import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { type ServiceAccount, serviceAccountStrategy } from './strategy.js';

export const serviceaccounts = defineResource<ServiceAccount>({
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  resource: 'serviceaccounts',
  singular: 'serviceaccount',
  shortNames: ['sa'],
  namespaced: true,
  strategy: serviceAccountStrategy,
  extraSubresources: [{ name: 'token', group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] }],
  table: {
    columns: [
      { name: 'Secrets', type: 'string', description: 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (sa, now) => [(sa.secrets ?? []).length, age(sa, now)],
  },
});
