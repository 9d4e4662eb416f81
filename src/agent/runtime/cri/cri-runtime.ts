// ContainerRuntime over CRI gRPC (RuntimeService + ImageService), e.g. containerd's CRI plugin.
import { CRI_API_VERSION, type ContainerRuntime } from '../runtime.js';
import type {
  AttachRequest, AuthConfig, Container, ContainerConfig, ContainerFilter, ContainerStats, ContainerStatsFilter,
  ContainerStatusResponse, ExecRequest, ExecSyncResponse, Image, ImageFilter, ImageFsInfoResponse, ImageSpec,
  ImageStatusResponse, LinuxContainerResources, PodSandbox, PodSandboxConfig, PodSandboxFilter,
  PodSandboxStatusResponse, PortForwardRequest, StatusResponse, VersionResponse,
} from '../types.js';
import { CriClient, type CriClientOptions } from './client.js';

export interface CriRuntimeOptions extends CriClientOptions {
  /** Deadline of PullImage, which can legitimately take long (default 10 minutes). */
  pullTimeoutMs?: number;
}

export class CriRuntime implements ContainerRuntime {
  readonly #client: CriClient;
  readonly #pullTimeoutMs: number;

  constructor(opts: CriRuntimeOptions) {
    this.#client = new CriClient(opts);
    this.#pullTimeoutMs = opts.pullTimeoutMs ?? 600_000;
  }

  get endpoint(): string {
    return this.#client.endpoint;
  }

  #runtime<Res>(method: string, request: object, timeoutMs?: number): Promise<Res> {
    return this.#client.call<Res>('RuntimeService', method, request, timeoutMs);
  }

  #image<Res>(method: string, request: object, timeoutMs?: number): Promise<Res> {
    return this.#client.call<Res>('ImageService', method, request, timeoutMs);
  }

  version(apiVersion = CRI_API_VERSION): Promise<VersionResponse> {
    return this.#runtime('Version', { version: apiVersion });
  }

  status(verbose = false): Promise<StatusResponse> {
    return this.#runtime('Status', { verbose });
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    const res = await this.#runtime<{ podSandboxId: string }>('RunPodSandbox', { config, runtimeHandler });
    return res.podSandboxId;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.#runtime('StopPodSandbox', { podSandboxId });
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.#runtime('RemovePodSandbox', { podSandboxId });
  }

  podSandboxStatus(podSandboxId: string, verbose = false): Promise<PodSandboxStatusResponse> {
    return this.#runtime('PodSandboxStatus', { podSandboxId, verbose });
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const res = await this.#runtime<{ items: PodSandbox[] }>('ListPodSandbox', { filter });
    return res.items;
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const res = await this.#runtime<{ containerId: string }>('CreateContainer', { podSandboxId, config, sandboxConfig });
    return res.containerId;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.#runtime('StartContainer', { containerId });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    // The call itself may last the whole grace period: give it that on top of the usual deadline.
    await this.#runtime('StopContainer', { containerId, timeout: timeoutSeconds }, this.#client.requestTimeoutMs + timeoutSeconds * 1000);
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.#runtime('RemoveContainer', { containerId });
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    const res = await this.#runtime<{ containers: Container[] }>('ListContainers', { filter });
    return res.containers;
  }

  containerStatus(containerId: string, verbose = false): Promise<ContainerStatusResponse> {
    return this.#runtime('ContainerStatus', { containerId, verbose });
  }

  async updateContainerResources(containerId: string, resources: LinuxContainerResources): Promise<void> {
    await this.#runtime('UpdateContainerResources', { containerId, linux: resources });
  }

  async reopenContainerLog(containerId: string): Promise<void> {
    await this.#runtime('ReopenContainerLog', { containerId });
  }

  execSync(containerId: string, cmd: string[], timeoutSeconds = 0): Promise<ExecSyncResponse> {
    const deadline = timeoutSeconds > 0 ? this.#client.requestTimeoutMs + timeoutSeconds * 1000 : undefined;
    return this.#runtime('ExecSync', { containerId, cmd, timeout: timeoutSeconds }, deadline);
  }

  async exec(request: ExecRequest): Promise<string> {
    return (await this.#runtime<{ url: string }>('Exec', request)).url;
  }

  async attach(request: AttachRequest): Promise<string> {
    return (await this.#runtime<{ url: string }>('Attach', request)).url;
  }

  async portForward(request: PortForwardRequest): Promise<string> {
    return (await this.#runtime<{ url: string }>('PortForward', request)).url;
  }

  async containerStats(containerId: string): Promise<ContainerStats> {
    return (await this.#runtime<{ stats?: ContainerStats }>('ContainerStats', { containerId })).stats ?? {};
  }

  async listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]> {
    return (await this.#runtime<{ stats: ContainerStats[] }>('ListContainerStats', { filter })).stats;
  }

  async pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    const res = await this.#image<{ imageRef: string }>('PullImage', { image, auth, sandboxConfig }, this.#pullTimeoutMs);
    return res.imageRef;
  }

  imageStatus(image: ImageSpec, verbose = false): Promise<ImageStatusResponse> {
    return this.#image('ImageStatus', { image, verbose });
  }

  async listImages(filter?: ImageFilter): Promise<Image[]> {
    return (await this.#image<{ images: Image[] }>('ListImages', { filter })).images;
  }

  async removeImage(image: ImageSpec): Promise<void> {
    await this.#image('RemoveImage', { image });
  }

  imageFsInfo(): Promise<ImageFsInfoResponse> {
    return this.#image('ImageFsInfo', {});
  }

  close(): void {
    this.#client.close();
  }
}
