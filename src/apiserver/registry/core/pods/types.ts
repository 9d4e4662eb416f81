// Pod types: the kubernetes-types declarations (type-only, nothing at run time) under a KubeObject.
import type { KubeObject } from '../../../../apimachinery/meta.js';
import type { PodSpec, PodStatus } from 'kubernetes-types/core/v1.js';

export type {
  Container,
  ContainerPort,
  ContainerStatus,
  EnvVar,
  PodCondition,
  PodSpec,
  PodStatus,
  PodTemplateSpec,
  Probe,
  Toleration,
  Volume,
  VolumeMount,
} from 'kubernetes-types/core/v1.js';

export interface Pod extends KubeObject {
  spec?: PodSpec;
  status?: PodStatus;
}

/** Every volume source field of a v1 Volume (a Volume is its name plus exactly one of these). */
export const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc',
  'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected',
  'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
] as const;
