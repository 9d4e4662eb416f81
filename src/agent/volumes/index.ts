// Pod volumes on the node: VolumeManager (setUpPod -> PodVolumes for buildContainerConfig,
// tearDownPod after the sandbox is removed, start() for the 60 s refresh of API-sourced volumes).
export { VolumeManager, type VolumeManagerOptions, type VolumeFailure, VolumeSetupError, usedVolumeNames } from './volume-manager.js';
export type { MountedVolume, PodVolumes } from './types.js';
export { canMount, type Mounter, mountPoints, systemMounter, type TmpfsOptions } from './mount.js';
export { VolumeNotReadyError } from './plugins.js';
export { writeAtomically, type FileProjection, type Payload } from './atomic-writer.js';
