import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { type StorageClass, isDefaultStorageClass, storageClassStrategy } from './strategy.js';

/**
 * The NAME cell kubectl shows: "standard (default)" for the default class. The Name column is
 * filled by handlers/table.ts; this is what it should print for StorageClasses.
 */
export const storageClassDisplayName = (sc: StorageClass): string => `${sc.metadata.name ?? ''}${isDefaultStorageClass(sc) ? ' (default)' : ''}`;

export const storageclasses = defineResource<StorageClass>({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  resource: 'storageclasses',
  singular: 'storageclass',
  shortNames: ['sc'],
  namespaced: false,
  strategy: storageClassStrategy,
  table: {
    name: storageClassDisplayName,
    columns: [
      { name: 'Provisioner', type: 'string', description: 'provisioner indicates the type of the provisioner.' },
      { name: 'ReclaimPolicy', type: 'string', description: 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.' },
      { name: 'VolumeBindingMode', type: 'string', description: 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.' },
      { name: 'AllowVolumeExpansion', type: 'string', description: 'allowVolumeExpansion shows whether the storage class allow volume expand.' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (sc, now) => [sc.provisioner ?? '', sc.reclaimPolicy ?? 'Delete', sc.volumeBindingMode ?? 'Immediate', sc.allowVolumeExpansion ?? false, age(sc, now)],
  },
});
