import { defineResource } from '../../generic/resource.js';
import { age } from '../../../handlers/table.js';
import { quantityText } from '../quantity.js';
import { type PersistentVolume, accessModesText, persistentVolumeStatusStrategy, persistentVolumeStrategy } from './strategy.js';

/** The class of a volume: the beta annotation wins over spec.storageClassName, as in Kubernetes. */
const className = (obj: { metadata: { annotations?: Record<string, string> }; spec?: { storageClassName?: string } }): string =>
  obj.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? obj.spec?.storageClassName ?? '';

export { className as storageClassOf };

export const persistentvolumes = defineResource<PersistentVolume>({
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  resource: 'persistentvolumes',
  singular: 'persistentvolume',
  shortNames: ['pv'],
  namespaced: false,
  strategy: persistentVolumeStrategy,
  statusStrategy: persistentVolumeStatusStrategy,
  table: {
    columns: [
      { name: 'Capacity', type: 'string', description: 'capacity is the description of the persistent volume\'s resources and capacity.' },
      { name: 'Access Modes', type: 'string', description: 'accessModes contains all ways the volume can be mounted.' },
      { name: 'Reclaim Policy', type: 'string', description: 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.' },
      { name: 'Status', type: 'string', description: 'phase indicates if a volume is available, bound to a claim, or released by a claim.' },
      { name: 'Claim', type: 'string', description: 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.' },
      { name: 'StorageClass', type: 'string', description: 'StorageClass of the pv' },
      { name: 'VolumeAttributesClass', type: 'string', description: 'VolumeAttributesClass of the pv' },
      { name: 'Reason', type: 'string', description: 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
      { name: 'VolumeMode', type: 'string', priority: 1, description: 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.' },
    ],
    cells: (pv, now) => {
      const spec = pv.spec;
      const claim = spec?.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
      return [
        quantityText(spec?.capacity?.storage ?? '0'),
        accessModesText(spec?.accessModes),
        spec?.persistentVolumeReclaimPolicy ?? '',
        pv.metadata.deletionTimestamp ? 'Terminating' : (pv.status?.phase ?? ''),
        claim,
        className(pv),
        spec?.volumeAttributesClassName ?? '<unset>',
        pv.status?.reason ?? '',
        age(pv, now),
        spec?.volumeMode ?? '<unset>',
      ];
    },
  },
});
