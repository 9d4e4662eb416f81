// Makes a container's image present before it is created, honouring imagePullPolicy, with the
// kubelet's events and pull backoff (pkg/kubelet/images/image_manager.go EnsureImageExists).
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { EventType, ObjectReference } from '../../client/event-recorder.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { AuthConfig, PodSandboxConfig } from '../runtime/types.js';
import { normalizeImageRef } from '../images/oci-layout.js';
import { Backoff } from './backoff.js';

export type ImageErrorReason = 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName';

/** A failure to make the image present: `reason` becomes the container's waiting reason. */
export class ImagePullError extends Error {
  override readonly name = 'ImagePullError';
  constructor(readonly reason: ImageErrorReason, message: string) {
    super(message);
  }
}

export type RecordEvent = (ref: ObjectReference, type: EventType, reason: string, message: string) => void;

/** Images under this registry are built and imported by kite on the node; no registry serves them. */
export const LOCAL_REGISTRY = 'kite.local';

/** The policy the API defaults to: Always for ":latest" or an untagged image, else IfNotPresent. */
export function pullPolicyOf(container: Container): 'Always' | 'IfNotPresent' | 'Never' {
  const explicit = container.imagePullPolicy as 'Always' | 'IfNotPresent' | 'Never' | undefined;
  if (explicit) return explicit;
  const image = container.image ?? '';
  const last = image.slice(image.lastIndexOf('/') + 1);
  if (image.includes('@')) return 'IfNotPresent';
  return !last.includes(':') || last.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

const isLocalImage = (image: string): boolean => normalizeImageRef(image).startsWith(`${LOCAL_REGISTRY}/`);

export class ImageManager {
  readonly #runtime: ContainerRuntime;
  readonly #record: RecordEvent;
  readonly backoff: Backoff;
  /** The last pull error per backoff key, repeated in the ImagePullBackOff message as the kubelet does. */
  readonly #lastPullError = new Map<string, string>();

  constructor(runtime: ContainerRuntime, record: RecordEvent, backoff: Backoff) {
    this.#runtime = runtime;
    this.#record = record;
    this.backoff = backoff;
  }

  /** Resolves to the image reference (id) to create the container from; throws ImagePullError. */
  async ensureImage(pod: Pod, container: Container, ref: ObjectReference, auths: AuthConfig[], sandboxConfig?: PodSandboxConfig): Promise<string> {
    const image = container.image ?? '';
    if (!image || /\s/.test(image)) throw new ImagePullError('InvalidImageName', `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`);
    const present = (await this.#runtime.imageStatus({ image })).image;
    let policy = pullPolicyOf(container);
    // kite-built images exist only on the node: "Always" cannot mean "ask a registry" for them.
    if (policy === 'Always' && isLocalImage(image) && present) policy = 'IfNotPresent';
    if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
      if (present) {
        this.#record(ref, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return present.id;
      }
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      this.#record(ref, 'Warning', 'ErrImageNeverPull', msg);
      throw new ImagePullError('ErrImageNeverPull', msg);
    }
    const key = `${pod.metadata?.uid ?? ''}_${image}`;
    if (this.backoff.isInBackOffSinceUpdate(key)) {
      const msg = `Back-off pulling image "${image}"`;
      this.#record(ref, 'Normal', 'BackOff', msg);
      const previous = this.#lastPullError.get(key);
      throw new ImagePullError('ImagePullBackOff', previous === undefined ? msg : `${msg}: ${previous}`);
    }
    this.#lastPullError.delete(key);
    this.#record(ref, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const started = performance.now();
    let imageRef: string | undefined;
    const errors: string[] = [];
    // Each matching credential in turn; anonymously only when none matches (kuberuntime's PullImage).
    for (const auth of auths.length > 0 ? auths : [undefined]) {
      try {
        imageRef = await this.#runtime.pullImage({ image }, auth, sandboxConfig);
        break;
      } catch (err) {
        errors.push(err instanceof Error ? err.message : String(err));
      }
    }
    if (imageRef === undefined) {
      // utilerrors.NewAggregate's text: the one error, or all of them in brackets.
      const detail = errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
      this.#record(ref, 'Warning', 'Failed', `Failed to pull image "${image}": ${detail}`);
      this.backoff.next(key, this.backoff.clock.now());
      this.#lastPullError.set(key, `ErrImagePull: ${detail}`);
      throw new ImagePullError('ErrImagePull', detail);
    }
    const ms = Math.round(performance.now() - started);
    const size = (await this.#runtime.imageStatus({ image }).catch(() => undefined))?.image?.size ?? 0;
    const took = `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
    this.#record(ref, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting). Image size: ${size} bytes.`);
    this.backoff.gc();
    return imageRef;
  }
}
