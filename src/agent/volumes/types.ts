// What the volume manager hands to the container-config builder: each set-up volume of a pod by
// name, as a host path the runtime bind-mounts.

export interface MountedVolume {
  /** The host path to bind-mount (a directory, or a file/socket/device for some hostPath volumes). */
  hostPath: string;
  /** The plugin mounts it read-only whatever the volumeMount says (secret, configMap, downwardAPI, projected, readOnly PVCs). */
  readOnly: boolean;
  /** "kubernetes.io/empty-dir", "kubernetes.io/host-path", ... */
  plugin: string;
}

/** Volume name -> its mount source. */
export type PodVolumes = ReadonlyMap<string, MountedVolume>;
