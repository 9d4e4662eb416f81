import { defineResource } from '../../generic/resource.js';
import { age } from '../../../handlers/table.js';
import { quantityText } from '../quantity.js';
import { accessModesText } from '../persistentvolumes/strategy.js';
import { storageClassOf } from '../persistentvolumes/storage.js';
import { type PersistentVolumeClaim, persistentVolumeClaimStatusStrategy, persistentVolumeClaimStrategy } from './strategy.js';

export const persistentvolumeclaims = defineResource<PersistentVolumeClaim>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  resource: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  shortNames: ['pvc'],
  namespaced: true,
  strategy: persistentVolumeClaimStrategy,
  statusStrategy: persistentVolumeClaimStatusStrategy,
  table: {
    columns: [
      { name: 'Status', type: 'string', description: 'phase represents the current phase of PersistentVolumeClaim.' },
      { name: 'Volume', type: 'string', description: 'volumeName is the binding reference to the PersistentVolume backing this claim.' },
      { name: 'Capacity', type: 'string', description: 'capacity represents the actual resources of the underlying volume.' },
      { name: 'Access Modes', type: 'string', description: 'accessModes contains the actual access modes the volume backing the PVC has.' },
      { name: 'StorageClass', type: 'string', description: 'StorageClass of the pvc' },
      { name: 'VolumeAttributesClass', type: 'string', description: 'VolumeAttributesClass of the pvc' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
      { name: 'VolumeMode', type: 'string', priority: 1, description: 'volumeMode defines what type of volume is required by the claim.' },
    ],
    cells: (pvc, now) => {
      const bound = !!pvc.spec?.volumeName;
      return [
        pvc.metadata.deletionTimestamp ? 'Terminating' : (pvc.status?.phase ?? ''),
        pvc.spec?.volumeName ?? '',
        bound ? quantityText(pvc.status?.capacity?.storage ?? '0') : '',
        bound ? accessModesText(pvc.status?.accessModes) : '',
        storageClassOf(pvc),
        pvc.spec?.volumeAttributesClassName ?? '<unset>',
        age(pvc, now),
        pvc.spec?.volumeMode ?? '<unset>',
      ];
    },
  },
});
