// The one seam between the agent and the container runtime (as the kubelet's RuntimeService +
// ImageManagerService of k8s.io/cri-api). Implementations: cri/cri-runtime.ts (containerd over
// CRI gRPC) and fake-runtime.ts (in memory, for the agent's unit tests). Both pass conformance.ts.
import type {
  AttachRequest, AuthConfig, Container, ContainerConfig, ContainerFilter, ContainerStats, ContainerStatsFilter,
  ContainerStatusResponse, ExecRequest, ExecSyncResponse, Image, ImageFilter, ImageFsInfoResponse, ImageSpec,
  ImageStatusResponse, LinuxContainerResources, PodSandbox, PodSandboxConfig, PodSandboxFilter,
  PodSandboxStatusResponse, PortForwardRequest, StatusResponse, VersionResponse,
} from './types.js';

export type * from './types.js';

/** The CRI API version the agent speaks. */
export const CRI_API_VERSION = 'v1';

export interface ContainerRuntime {
  version(apiVersion?: string): Promise<VersionResponse>;
  /** RuntimeReady and NetworkReady conditions (NetworkReady is false until a CNI config is loaded). */
  status(verbose?: boolean): Promise<StatusResponse>;

  /** Creates and starts a pod sandbox (pause container + network); resolves to its id. */
  runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string): Promise<string>;
  /** Stops every container of the sandbox and tears its network down. Idempotent for a stopped sandbox. */
  stopPodSandbox(podSandboxId: string): Promise<void>;
  /** Removes a sandbox and its containers; succeeds when it is already gone. */
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string, verbose?: boolean): Promise<PodSandboxStatusResponse>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;

  /** Creates a container in a sandbox (the image must be present); resolves to its id. */
  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** Sends the stop signal, then SIGKILL after timeoutSeconds. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  /** Removes a container (stopping it first); succeeds when it is already gone. */
  removeContainer(containerId: string): Promise<void>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;
  containerStatus(containerId: string, verbose?: boolean): Promise<ContainerStatusResponse>;
  updateContainerResources(containerId: string, resources: LinuxContainerResources): Promise<void>;
  /** Asks the runtime to reopen the container's log file (after the agent rotated it). */
  reopenContainerLog(containerId: string): Promise<void>;

  /** Runs a command to completion in a running container; a non-zero exit is a result, not an error. */
  execSync(containerId: string, cmd: string[], timeoutSeconds?: number): Promise<ExecSyncResponse>;
  /** The runtime's streaming-server URL serving this exec session. */
  exec(request: ExecRequest): Promise<string>;
  attach(request: AttachRequest): Promise<string>;
  portForward(request: PortForwardRequest): Promise<string>;

  containerStats(containerId: string): Promise<ContainerStats>;
  listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]>;

  /** Pulls an image; resolves to its image reference (the config digest, "sha256:..."). */
  pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string>;
  /** `image` is absent when the runtime does not have it. */
  imageStatus(image: ImageSpec, verbose?: boolean): Promise<ImageStatusResponse>;
  listImages(filter?: ImageFilter): Promise<Image[]>;
  /** Removes an image; succeeds when it is already gone. */
  removeImage(image: ImageSpec): Promise<void>;
  imageFsInfo(): Promise<ImageFsInfoResponse>;

  /** Releases connections; later calls fail. */
  close(): void;
}

/** gRPC status names a runtime error can carry (what the agent branches on). */
export type RuntimeErrorCode =
  | 'NotFound' | 'AlreadyExists' | 'InvalidArgument' | 'FailedPrecondition' | 'DeadlineExceeded'
  | 'Unavailable' | 'Unimplemented' | 'Canceled' | 'Internal' | 'Unknown';

export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  constructor(readonly code: RuntimeErrorCode, message: string, readonly method?: string) {
    super(method ? `${method}: ${message}` : message);
  }
}

export function isRuntimeError(err: unknown, code?: RuntimeErrorCode): err is RuntimeError {
  return err instanceof RuntimeError && (code === undefined || err.code === code);
}

export const isNotFound = (err: unknown): boolean => isRuntimeError(err, 'NotFound');
