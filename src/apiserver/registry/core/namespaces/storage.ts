import { nameIsDNSLabel } from '../../../../apimachinery/names.js';
import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { type Namespace, namespaceFinalizeStrategy, namespaceStatusStrategy, namespaceStrategy } from './strategy.js';

export const namespaces = defineResource<Namespace>({
  group: '',
  version: 'v1',
  kind: 'Namespace',
  resource: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  namespaced: false,
  nameValidator: nameIsDNSLabel,
  strategy: namespaceStrategy,
  statusStrategy: namespaceStatusStrategy,
  subresourceStrategies: { finalize: namespaceFinalizeStrategy },
  extraSubresources: [{ name: 'finalize', group: '', version: 'v1', kind: 'Namespace', verbs: ['update'] }],
  table: {
    columns: [
      { name: 'Status', type: 'string', description: 'The status of the namespace' },
      { name: 'Age', type: 'string', description: 'Time since creation' },
    ],
    cells: (ns, now) => [ns.status?.phase ?? '', age(ns, now)],
  },
  deletionHold: {
    holds: (ns) => (ns.spec?.finalizers ?? []).length > 0,
    markDeleting: (ns) => {
      ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
    },
  },
  selectableFields: { 'status.phase': (ns) => ns.status?.phase ?? '' },
});
