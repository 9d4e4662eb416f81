// An in-memory ContainerRuntime for the agent's unit tests. It follows containerd's CRI behaviour
// where the agent can observe it (states, NotFound errors, idempotent removes, filters: see
// conformance.ts, run against both) and lets a test script what only a real runtime decides:
// exec results, container exits, injected failures. Every call is recorded in `calls`.
import { RuntimeError, type ContainerRuntime } from './runtime.js';
import type {
  AttachRequest, AuthConfig, Container, ContainerConfig, ContainerFilter, ContainerStats, ContainerStatsFilter,
  ContainerStatus, ContainerStatusResponse, ExecRequest, ExecSyncResponse, Image, ImageFilter, ImageFsInfoResponse,
  ImageSpec, ImageStatusResponse, Labels, LinuxContainerResources, PodSandbox, PodSandboxConfig, PodSandboxFilter,
  PodSandboxStatus, PodSandboxStatusResponse, PortForwardRequest, StatusResponse, VersionResponse,
} from './types.js';
import { normalizeImageRef, sha256 } from '../images/oci-layout.js';

export type ExecHandler = (containerId: string, cmd: string[]) => ExecSyncResponse;

interface FakeSandbox { status: PodSandboxStatus; config: PodSandboxConfig }
interface FakeContainer { status: ContainerStatus; podSandboxId: string; config: ContainerConfig; resources?: LinuxContainerResources }

export interface FakeCall { method: string; args: unknown[] }

/** Runs `echo ...` (stdout = args + newline) and `sh -c "exit N"`; anything else exits 0 silently. */
export const defaultExecHandler: ExecHandler = (_id, cmd) => {
  const out = (stdout: string, exitCode = 0): ExecSyncResponse => ({ stdout: Buffer.from(stdout), stderr: Buffer.alloc(0), exitCode });
  if (cmd[0] === 'echo') return out(`${cmd.slice(1).join(' ')}\n`);
  const exit = cmd[0] === 'sh' && cmd[1] === '-c' ? /^exit (\d+)$/.exec(cmd[2] ?? '') : null;
  return out('', exit ? Number(exit[1]) : 0);
};

const matches = (labels: Labels, selector: Labels | undefined): boolean =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

export class FakeRuntime implements ContainerRuntime {
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly containers = new Map<string, FakeContainer>();
  readonly images = new Map<string, Image>();
  readonly calls: FakeCall[] = [];
  execHandler: ExecHandler = defaultExecHandler;
  /** Nanoseconds since the epoch; tests may replace it. */
  now: () => number = () => Date.now() * 1e6;
  #nextId = 1;
  #nextIp = 2;
  #failures = new Map<string, RuntimeError[]>();
  #closed = false;

  /** Makes an image present, as if pulled. */
  addImage(ref: string, size = 1024): Image {
    const name = normalizeImageRef(ref);
    const image: Image = { id: sha256(Buffer.from(name)), repoTags: [name], repoDigests: [], size, username: '', pinned: false, spec: { image: name, annotations: {} } };
    this.images.set(name, image);
    return image;
  }

  /** The next call of `method` fails with `err` (queue several by calling again). */
  failNext(method: keyof ContainerRuntime, err: RuntimeError = new RuntimeError('Unknown', 'injected failure', method)): void {
    const queue = this.#failures.get(method) ?? [];
    queue.push(err);
    this.#failures.set(method, queue);
  }

  /** Simulates a container's process ending by itself (crash, completion, OOM kill). */
  exitContainer(containerId: string, exitCode: number, reason = exitCode === 0 ? 'Completed' : 'Error'): void {
    const c = this.#container(containerId, 'exitContainer');
    Object.assign(c.status, { state: 'CONTAINER_EXITED', exitCode, reason, finishedAt: this.now() });
  }

  #record(method: string, args: unknown[]): void {
    if (this.#closed) throw new RuntimeError('Unavailable', 'runtime client closed', method);
    this.calls.push({ method, args });
    const err = this.#failures.get(method)?.shift();
    if (err) throw err;
  }

  #id(): string {
    return sha256(Buffer.from(`fake-${this.#nextId++}`)).slice('sha256:'.length);
  }

  #sandbox(id: string, method: string): FakeSandbox {
    const s = this.sandboxes.get(id);
    if (!s) throw new RuntimeError('NotFound', `an error occurred when try to find sandbox "${id}": not found`, method);
    return s;
  }

  #container(id: string, method: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `an error occurred when try to find container "${id}": not found`, method);
    return c;
  }

  async version(): Promise<VersionResponse> {
    this.#record('version', []);
    return { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '0.0.0', runtimeApiVersion: 'v1' };
  }

  async status(): Promise<StatusResponse> {
    this.#record('status', []);
    const conditions = ['RuntimeReady', 'NetworkReady'].map((type) => ({ type, status: true, reason: '', message: '' }));
    return { status: { conditions }, info: {} };
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    this.#record('runPodSandbox', [config, runtimeHandler]);
    const id = this.#id();
    const ip = `10.42.${Math.floor(this.#nextIp / 254)}.${(this.#nextIp++ % 254) + 1}`;
    const md = config.metadata;
    this.sandboxes.set(id, {
      config,
      status: {
        id, state: 'SANDBOX_READY', createdAt: this.now(), runtimeHandler,
        metadata: { name: md.name, uid: md.uid, namespace: md.namespace, attempt: md.attempt ?? 0 },
        network: { ip, additionalIps: [] },
        linux: { namespaces: { options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD', targetId: '', ...config.linux?.securityContext?.namespaceOptions } } },
        labels: { ...config.labels }, annotations: { ...config.annotations },
      },
    });
    return id;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    this.#record('stopPodSandbox', [podSandboxId]);
    const s = this.#sandbox(podSandboxId, 'StopPodSandbox');
    for (const c of this.containers.values()) {
      if (c.podSandboxId === podSandboxId && c.status.state !== 'CONTAINER_EXITED') this.#stop(c, 137, 'Error');
    }
    s.status.state = 'SANDBOX_NOTREADY';
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    this.#record('removePodSandbox', [podSandboxId]);
    if (!this.sandboxes.has(podSandboxId)) return;
    for (const [id, c] of this.containers) if (c.podSandboxId === podSandboxId) this.containers.delete(id);
    this.sandboxes.delete(podSandboxId);
  }

  async podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatusResponse> {
    this.#record('podSandboxStatus', [podSandboxId]);
    return { status: structuredClone(this.#sandbox(podSandboxId, 'PodSandboxStatus').status), info: {} };
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    this.#record('listPodSandbox', [filter]);
    return [...this.sandboxes.values()]
      .map((s) => s.status)
      .filter((s) => (!filter?.id || s.id.startsWith(filter.id)) && (!filter?.state || s.state === filter.state.state) && matches(s.labels, filter?.labelSelector))
      .map(({ id, metadata, state, createdAt, labels, annotations, runtimeHandler }) => structuredClone({ id, metadata, state, createdAt, labels, annotations, runtimeHandler }));
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    this.#record('createContainer', [podSandboxId, config, sandboxConfig]);
    const sandbox = this.#sandbox(podSandboxId, 'CreateContainer');
    if (sandbox.status.state !== 'SANDBOX_READY') throw new RuntimeError('Unknown', `sandbox ${podSandboxId} is not ready`, 'CreateContainer');
    // By name or by ID: the kubelet (and kite's agent) create containers from the image's ID.
    const image = this.#findImage(config.image.image);
    if (!image) throw new RuntimeError('NotFound', `failed to get image "${config.image.image}": not found`, 'CreateContainer');
    const duplicate = [...this.containers.values()].find((c) => c.podSandboxId === podSandboxId
      && c.config.metadata.name === config.metadata.name && (c.config.metadata.attempt ?? 0) === (config.metadata.attempt ?? 0));
    if (duplicate) throw new RuntimeError('Unknown', `name ${config.metadata.name} is reserved for ${duplicate.status.id}`, 'CreateContainer');
    const id = this.#id();
    const logDir = sandboxConfig.logDirectory ?? '';
    this.containers.set(id, {
      podSandboxId, config,
      status: {
        id, state: 'CONTAINER_CREATED', createdAt: this.now(), startedAt: 0, finishedAt: 0, exitCode: 0,
        metadata: { name: config.metadata.name, attempt: config.metadata.attempt ?? 0 },
        image: { image: config.image.image, annotations: {} }, imageRef: image.id, reason: '', message: '',
        labels: { ...config.labels }, annotations: { ...config.annotations }, mounts: structuredClone(config.mounts ?? []),
        logPath: config.logPath && logDir ? `${logDir}/${config.logPath}` : '',
      },
    });
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    this.#record('startContainer', [containerId]);
    const c = this.#container(containerId, 'StartContainer');
    if (c.status.state !== 'CONTAINER_CREATED') throw new RuntimeError('Unknown', `container ${containerId} is in ${c.status.state} state`, 'StartContainer');
    Object.assign(c.status, { state: 'CONTAINER_RUNNING', startedAt: this.now() });
  }

  #stop(c: FakeContainer, exitCode: number, reason: string): void {
    Object.assign(c.status, { state: 'CONTAINER_EXITED', exitCode, reason, finishedAt: this.now() });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    this.#record('stopContainer', [containerId, timeoutSeconds]);
    const c = this.#container(containerId, 'StopContainer');
    if (c.status.state === 'CONTAINER_RUNNING') this.#stop(c, 137, 'Error');
    else if (c.status.state === 'CONTAINER_CREATED') this.#stop(c, 0, 'Unknown');
  }

  async removeContainer(containerId: string): Promise<void> {
    this.#record('removeContainer', [containerId]);
    this.containers.delete(containerId);
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    this.#record('listContainers', [filter]);
    return [...this.containers.values()]
      .filter((c) => (!filter?.id || c.status.id.startsWith(filter.id)) && (!filter?.podSandboxId || c.podSandboxId === filter.podSandboxId)
        && (!filter?.state || c.status.state === filter.state.state) && matches(c.status.labels, filter?.labelSelector))
      .map(({ status: s, podSandboxId }) => structuredClone({
        id: s.id, podSandboxId, metadata: s.metadata, image: s.image, imageRef: s.imageRef, state: s.state,
        createdAt: s.createdAt, labels: s.labels, annotations: s.annotations,
      }));
  }

  async containerStatus(containerId: string): Promise<ContainerStatusResponse> {
    this.#record('containerStatus', [containerId]);
    return { status: structuredClone(this.#container(containerId, 'ContainerStatus').status), info: {} };
  }

  async updateContainerResources(containerId: string, resources: LinuxContainerResources): Promise<void> {
    this.#record('updateContainerResources', [containerId, resources]);
    this.#container(containerId, 'UpdateContainerResources').resources = resources;
  }

  async reopenContainerLog(containerId: string): Promise<void> {
    this.#record('reopenContainerLog', [containerId]);
    const c = this.#container(containerId, 'ReopenContainerLog');
    if (c.status.state !== 'CONTAINER_RUNNING') throw new RuntimeError('Unknown', 'container is not running', 'ReopenContainerLog');
  }

  #running(containerId: string, method: string): FakeContainer {
    const c = this.#container(containerId, method);
    if (c.status.state !== 'CONTAINER_RUNNING') throw new RuntimeError('Unknown', `container ${containerId} is not running`, method);
    return c;
  }

  async execSync(containerId: string, cmd: string[], timeoutSeconds = 0): Promise<ExecSyncResponse> {
    this.#record('execSync', [containerId, cmd, timeoutSeconds]);
    this.#running(containerId, 'ExecSync');
    return this.execHandler(containerId, cmd);
  }

  async exec(request: ExecRequest): Promise<string> {
    this.#record('exec', [request]);
    this.#running(request.containerId, 'Exec');
    return `http://127.0.0.1:0/exec/fake-${this.#nextId++}`;
  }

  async attach(request: AttachRequest): Promise<string> {
    this.#record('attach', [request]);
    this.#running(request.containerId, 'Attach');
    return `http://127.0.0.1:0/attach/fake-${this.#nextId++}`;
  }

  async portForward(request: PortForwardRequest): Promise<string> {
    this.#record('portForward', [request]);
    this.#sandbox(request.podSandboxId, 'PortForward');
    return `http://127.0.0.1:0/portforward/fake-${this.#nextId++}`;
  }

  #stats(c: FakeContainer): ContainerStats {
    const timestamp = this.now();
    const s = c.status;
    return {
      attributes: { id: s.id, metadata: s.metadata, labels: { ...s.labels }, annotations: { ...s.annotations } },
      cpu: { timestamp, usageCoreNanoSeconds: { value: 0 }, usageNanoCores: { value: 0 } },
      memory: { timestamp, workingSetBytes: { value: 0 }, usageBytes: { value: 0 } },
    };
  }

  async containerStats(containerId: string): Promise<ContainerStats> {
    this.#record('containerStats', [containerId]);
    return this.#stats(this.#container(containerId, 'ContainerStats'));
  }

  async listContainerStats(filter?: ContainerStatsFilter): Promise<ContainerStats[]> {
    this.#record('listContainerStats', [filter]);
    return [...this.containers.values()]
      .filter((c) => c.status.state === 'CONTAINER_RUNNING' && (!filter?.id || c.status.id === filter.id)
        && (!filter?.podSandboxId || c.podSandboxId === filter.podSandboxId) && matches(c.status.labels, filter?.labelSelector))
      .map((c) => this.#stats(c));
  }

  async pullImage(image: ImageSpec, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    this.#record('pullImage', [image, auth, sandboxConfig]);
    const name = normalizeImageRef(image.image);
    return (this.images.get(name) ?? this.addImage(name)).id;
  }

  async imageStatus(image: ImageSpec): Promise<ImageStatusResponse> {
    this.#record('imageStatus', [image]);
    const found = this.#findImage(image.image);
    return { image: found && structuredClone(found), info: {} };
  }

  #findImage(ref: string): Image | undefined {
    if (ref.startsWith('sha256:')) return [...this.images.values()].find((i) => i.id === ref);
    return this.images.get(normalizeImageRef(ref));
  }

  async listImages(filter?: ImageFilter): Promise<Image[]> {
    this.#record('listImages', [filter]);
    const wanted = filter?.image?.image;
    return [...this.images.values()].filter((i) => !wanted || i === this.#findImage(wanted)).map((i) => structuredClone(i));
  }

  async removeImage(image: ImageSpec): Promise<void> {
    this.#record('removeImage', [image]);
    const found = this.#findImage(image.image);
    if (found) for (const tag of found.repoTags) this.images.delete(tag);
  }

  async imageFsInfo(): Promise<ImageFsInfoResponse> {
    this.#record('imageFsInfo', []);
    const used = [...this.images.values()].reduce((sum, i) => sum + i.size, 0);
    return { imageFilesystems: [{ timestamp: this.now(), fsId: { mountpoint: '/fake' }, usedBytes: { value: used }, inodesUsed: { value: this.images.size } }] };
  }

  close(): void {
    this.#closed = true;
  }
}
