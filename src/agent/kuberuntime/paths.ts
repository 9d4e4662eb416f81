// Where the agent keeps per-pod files under its data dir, mirroring the kubelet's layout
// (/var/lib/kubelet/pods/<uid>/..., /var/log/pods/<ns>_<name>_<uid>/<container>/<n>.log).
// Everyone (volumes, container configs, log readers, orphan clean-up) derives paths from here.
import { join } from 'node:path';

/** <dataDir>/pods: one directory per pod uid. */
export const podsRoot = (dataDir: string): string => join(dataDir, 'pods');

/** <dataDir>/pods/<uid>: the pod's own files (volumes, etc-hosts, termination logs). */
export const podDir = (dataDir: string, uid: string): string => join(podsRoot(dataDir), uid);

/** <dataDir>/pods/<uid>/volumes. */
export const podVolumesDir = (dataDir: string, uid: string): string => join(podDir(dataDir, uid), 'volumes');

/** Plugin names as the kubelet spells them on disk ("kubernetes.io/secret" -> "kubernetes.io~secret"). */
export const escapePluginName = (plugin: string): string => plugin.replaceAll('/', '~');

/** <dataDir>/pods/<uid>/volumes/<plugin~escaped>/<volume name>. */
export const volumeDir = (dataDir: string, uid: string, plugin: string, volumeName: string): string =>
  join(podVolumesDir(dataDir, uid), escapePluginName(plugin), volumeName);

/** <dataDir>/pods/<uid>/containers/<name>: termination-message files of the container's instances. */
export const podContainerDir = (dataDir: string, uid: string, containerName: string): string =>
  join(podDir(dataDir, uid), 'containers', containerName);

/** The pod's managed /etc/hosts. */
export const podEtcHostsPath = (dataDir: string, uid: string): string => join(podDir(dataDir, uid), 'etc-hosts');

/** <dataDir>/log/pods: the root of all pod log directories (the kubelet's /var/log/pods). */
export const podLogsRoot = (dataDir: string): string => join(dataDir, 'log', 'pods');

/** <dataDir>/log/pods/<ns>_<name>_<uid>: the sandbox's log_directory. */
export const podLogsDir = (dataDir: string, namespace: string, name: string, uid: string): string =>
  join(podLogsRoot(dataDir), `${namespace}_${name}_${uid}`);

/** ContainerConfig.log_path, relative to the sandbox's log directory: "<container>/<restartCount>.log". */
export const containerLogPath = (containerName: string, restartCount: number): string => `${containerName}/${restartCount}.log`;
