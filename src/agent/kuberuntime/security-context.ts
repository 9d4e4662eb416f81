// Pod and container security contexts -> CRI (kuberuntime security_context.go,
// pkg/securitycontext, kubelet/kuberuntime/util NamespacesForPod), and the runAsNonRoot check
// with the kubelet's exact CreateContainerConfigError messages.
import type { Container, Pod, PodSecurityContext, SeccompProfile, SecurityContext } from 'kubernetes-types/core/v1.js';
import type { Image, LinuxContainerSecurityContext, LinuxSandboxSecurityContext, NamespaceOption, SecurityProfile } from '../runtime/types.js';

/** The kubelet masks these unless procMount is Unmasked (or the container is privileged). */
export const DEFAULT_MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** "name_namespace(uid)", the kubelet's format.Pod. */
export const formatPod = (pod: Pod): string => `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;

/** Network NODE for hostNetwork, PID NODE/POD/CONTAINER (hostPID, shareProcessNamespace, default), IPC NODE for hostIPC. */
export function namespacesForPod(pod: Pod): NamespaceOption {
  const spec = pod.spec;
  return {
    network: spec?.hostNetwork ? 'NODE' : 'POD',
    pid: spec?.hostPID ? 'NODE' : spec?.shareProcessNamespace ? 'POD' : 'CONTAINER',
    ipc: spec?.hostIPC ? 'NODE' : 'POD',
  };
}

const allContainers = (pod: Pod): { securityContext?: SecurityContext }[] => [
  ...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? []),
];

export const hasPrivilegedContainer = (pod: Pod): boolean => allContainers(pod).some((c) => c.securityContext?.privileged === true);

/** fsGroup first, then the supplemental groups (the kubelet's order). */
function supplementalGroups(psc: PodSecurityContext | undefined): number[] {
  const groups: number[] = [];
  if (psc?.fsGroup != null) groups.push(psc.fsGroup);
  for (const g of psc?.supplementalGroups ?? []) groups.push(g);
  return groups;
}

/** The sandbox's security context. The sandbox is privileged when any container is (CRI requires it). */
export function sandboxSecurityContext(pod: Pod): LinuxSandboxSecurityContext {
  const psc = pod.spec?.securityContext;
  const out: LinuxSandboxSecurityContext = {
    namespaceOptions: namespacesForPod(pod),
    privileged: hasPrivilegedContainer(pod),
    // Lets pods use least-privilege seccomp profiles (kubernetes#84623): the pause process needs nothing.
    seccomp: { profileType: 'RuntimeDefault' },
  };
  if (psc?.runAsUser != null) out.runAsUser = { value: psc.runAsUser };
  if (psc?.runAsGroup != null) out.runAsGroup = { value: psc.runAsGroup };
  const groups = supplementalGroups(psc);
  if (groups.length) out.supplementalGroups = groups;
  return out;
}

/** DetermineEffectiveSecurityContext: the container's settings over the pod's. */
export function effectiveSecurityContext(pod: Pod, container: Container): SecurityContext {
  const psc = pod.spec?.securityContext ?? {};
  const csc = container.securityContext ?? {};
  const out: SecurityContext = { ...csc };
  if (out.runAsUser == null && psc.runAsUser != null) out.runAsUser = psc.runAsUser;
  if (out.runAsGroup == null && psc.runAsGroup != null) out.runAsGroup = psc.runAsGroup;
  if (out.runAsNonRoot == null && psc.runAsNonRoot != null) out.runAsNonRoot = psc.runAsNonRoot;
  if (out.seLinuxOptions == null && psc.seLinuxOptions != null) out.seLinuxOptions = psc.seLinuxOptions;
  if (out.seccompProfile == null && psc.seccompProfile != null) out.seccompProfile = psc.seccompProfile;
  if (out.appArmorProfile == null && psc.appArmorProfile != null) out.appArmorProfile = psc.appArmorProfile;
  return out;
}

/** The user an image runs as, from CRI ImageStatus: a numeric uid, or a name that cannot be checked. */
export interface ImageUser {
  uid?: number;
  username?: string;
}

/** getImageUser: the image's uid, else its user name, else root (an image with no USER runs as root). */
export function imageUserOf(image: Image | undefined): ImageUser {
  if (image?.uid != null) return { uid: image.uid.value };
  if (image?.username) return { username: image.username };
  return { uid: 0 };
}

/**
 * The kubelet's verifyRunAsNonRoot: undefined when the container may start, else the
 * CreateContainerConfigError message.
 */
export function verifyRunAsNonRoot(pod: Pod, container: Container, imageUser: ImageUser): string | undefined {
  const sc = effectiveSecurityContext(pod, container);
  if (sc.runAsNonRoot !== true) return undefined;
  if (sc.runAsUser != null) {
    return sc.runAsUser === 0 ? `container's runAsUser breaks non-root policy (pod: "${formatPod(pod)}", container: ${container.name})` : undefined;
  }
  if (imageUser.uid === 0) return `container has runAsNonRoot and image will run as root (pod: "${formatPod(pod)}", container: ${container.name})`;
  if (imageUser.uid == null && imageUser.username) {
    return `container has runAsNonRoot and image has non-numeric user (${imageUser.username}), cannot verify user is non-root (pod: "${formatPod(pod)}", container: ${container.name})`;
  }
  return undefined;
}

export interface SeccompOptions {
  /** The kubelet's --seccomp-default: RuntimeDefault instead of Unconfined when nothing is set. */
  seccompDefault?: boolean;
  /** Where Localhost profiles live (the kubelet's <root>/seccomp). */
  seccompProfileRoot?: string;
}

function seccompProfile(profile: SeccompProfile | undefined, opts: SeccompOptions): SecurityProfile {
  switch (profile?.type) {
    case 'RuntimeDefault':
      return { profileType: 'RuntimeDefault' };
    case 'Unconfined':
      return { profileType: 'Unconfined' };
    case 'Localhost':
      return { profileType: 'Localhost', localhostRef: `${(opts.seccompProfileRoot ?? '/var/lib/kite/agent/seccomp').replace(/\/+$/, '')}/${profile.localhostProfile ?? ''}` };
    default:
      return { profileType: opts.seccompDefault ? 'RuntimeDefault' : 'Unconfined' };
  }
}

/** The container's CRI security context (runAsUser falls back to the image's uid/user name, as the kubelet passes it). */
export function containerSecurityContext(pod: Pod, container: Container, imageUser: ImageUser, opts: SeccompOptions = {}): LinuxContainerSecurityContext {
  const sc = effectiveSecurityContext(pod, container);
  const privileged = sc.privileged === true;
  const out: LinuxContainerSecurityContext = {
    namespaceOptions: namespacesForPod(pod),
    privileged,
    readonlyRootfs: sc.readOnlyRootFilesystem === true,
    // allowPrivilegeEscalation unset keeps the runtime default (escalation allowed), as upstream.
    noNewPrivs: sc.allowPrivilegeEscalation === false,
    seccomp: seccompProfile(sc.seccompProfile, opts),
  };
  if (sc.capabilities?.add?.length || sc.capabilities?.drop?.length) {
    out.capabilities = { addCapabilities: [...(sc.capabilities.add ?? [])], dropCapabilities: [...(sc.capabilities.drop ?? [])] };
  }
  if (sc.runAsUser != null) out.runAsUser = { value: sc.runAsUser };
  else if (imageUser.uid != null) out.runAsUser = { value: imageUser.uid };
  else if (imageUser.username) out.runAsUsername = imageUser.username;
  if (sc.runAsGroup != null) out.runAsGroup = { value: sc.runAsGroup };
  const groups = supplementalGroups(pod.spec?.securityContext);
  if (groups.length) out.supplementalGroups = groups;
  if (!privileged && sc.procMount !== 'Unmasked') {
    out.maskedPaths = [...DEFAULT_MASKED_PATHS];
    out.readonlyPaths = [...DEFAULT_READONLY_PATHS];
  }
  return out;
}
