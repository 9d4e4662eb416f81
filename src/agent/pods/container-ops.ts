// Starting and stopping one container, with the kubelet's events and hooks
// (kuberuntime_container.go startContainer / killContainer): pull, create, start, postStart;
// preStop, then StopContainer with what is left of the grace period.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../../client/clock.js';
import type { ObjectReference } from '../../client/event-recorder.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { AuthConfig, PodSandboxConfig } from '../runtime/types.js';
import { runLifecycleHandler } from './hooks.js';
import { ImagePullError, type ImageManager, type RecordEvent } from './images.js';
import { type ContainerKind, containerAnnotations, containerLabels } from './labels.js';
import type { StartFailure } from './pod-status.js';
import { ContainerConfigError, type PodConfigBuilder } from './seams.js';
import { tracePod } from './trace.js';

/** The kubelet never gives a container less than this to stop. */
export const MINIMUM_GRACE_PERIOD_SECONDS = 2;

export function containerRef(pod: Pod, name: string, kind: ContainerKind): ObjectReference {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    namespace: pod.metadata?.namespace,
    name: pod.metadata?.name,
    uid: pod.metadata?.uid,
    resourceVersion: pod.metadata?.resourceVersion,
    fieldPath: kind === 'init' ? `spec.initContainers{${name}}` : `spec.containers{${name}}`,
  };
}

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message.replace(/^[A-Za-z]+: /, '') : String(err));

export interface ContainerOpsDeps {
  /** Labels what this agent makes (labels.ts ownedBy). */
  nodeName: string;
  runtime: ContainerRuntime;
  builder: PodConfigBuilder;
  images: ImageManager;
  record: RecordEvent;
  clock: Clock;
}

export interface StartRequest {
  pod: Pod;
  container: Container;
  kind: ContainerKind;
  restartCount: number;
  sandboxId: string;
  sandboxConfig: PodSandboxConfig;
  podIPs: string[];
  auths: AuthConfig[];
}

/** Pulls, creates and starts a container; resolves undefined on success, or why it failed. */
export async function startContainer(deps: ContainerOpsDeps, req: StartRequest): Promise<StartFailure | undefined> {
  const { pod, container, kind } = req;
  const ref = containerRef(pod, container.name, kind);
  let imageRef: string;
  try {
    imageRef = await deps.images.ensureImage(pod, container, ref, req.auths, req.sandboxConfig);
    tracePod(pod.metadata?.uid, 'image');
  } catch (err) {
    if (!(err instanceof ImagePullError)) throw err;
    deps.record(ref, 'Warning', 'Failed', `Error: ${err.reason}`);
    return { reason: err.reason, message: err.message };
  }

  let containerId: string;
  try {
    const config = await deps.builder.containerConfig(pod, container, {
      kind, restartCount: req.restartCount, imageRef, podIPs: req.podIPs, sandboxId: req.sandboxId, sandboxConfig: req.sandboxConfig,
    });
    tracePod(pod.metadata?.uid, 'container-config');
    config.metadata = { name: container.name, attempt: req.restartCount };
    config.labels = { ...config.labels, ...containerLabels(pod, container, deps.nodeName) };
    config.annotations = { ...config.annotations, ...containerAnnotations(pod, container, kind, req.restartCount) };
    try {
      containerId = await deps.runtime.createContainer(req.sandboxId, config, req.sandboxConfig);
      tracePod(pod.metadata?.uid, 'created');
    } catch (err) {
      deps.record(ref, 'Warning', 'Failed', `Error: ${errorMessage(err)}`);
      return { reason: 'CreateContainerError', message: errorMessage(err) };
    }
  } catch (err) {
    if (!(err instanceof ContainerConfigError)) throw err;
    deps.record(ref, 'Warning', 'Failed', `Error: ${err.message}`);
    return { reason: 'CreateContainerConfigError', message: err.message };
  }
  deps.record(ref, 'Normal', 'Created', `Created container: ${container.name}`);

  try {
    await deps.runtime.startContainer(containerId);
    tracePod(pod.metadata?.uid, 'started');
  } catch (err) {
    deps.record(ref, 'Warning', 'Failed', `Error: ${errorMessage(err)}`);
    return { reason: 'RunContainerError', message: errorMessage(err) };
  }
  deps.record(ref, 'Normal', 'Started', `Started container ${container.name}`);

  const postStart = container.lifecycle?.postStart;
  if (postStart) {
    const podIP = req.podIPs[0] ?? '';
    const failed = await runLifecycleHandler(deps.runtime, postStart, { containerId, container, podIP }, Number(pod.spec?.terminationGracePeriodSeconds ?? 30));
    if (failed !== undefined) {
      // The hook's output is not put in the event: it may hold secrets.
      deps.record(ref, 'Warning', 'FailedPostStartHook', 'PostStartHook failed');
      await stopContainer(deps, { pod, spec: container, kind, containerId, podIP, gracePeriodSeconds: MINIMUM_GRACE_PERIOD_SECONDS, runPreStop: false });
      return { reason: 'PostStartHookError', message: failed };
    }
  }
  return undefined;
}

export interface StopRequest {
  pod: Pod;
  /** The container's spec, when the pod still has it (for its preStop hook). */
  spec?: Container;
  kind: ContainerKind;
  containerId: string;
  podIP: string;
  gracePeriodSeconds: number;
  /** Message of the Killing event; none when undefined. */
  message?: string;
  runPreStop?: boolean;
}

/** Runs the preStop hook (within the grace period), then stops the container with what is left. */
export async function stopContainer(deps: ContainerOpsDeps, req: StopRequest): Promise<void> {
  const name = req.spec?.name ?? '';
  const ref = containerRef(req.pod, name, req.kind);
  if (req.message) deps.record(ref, 'Normal', 'Killing', req.message);
  let grace = Math.max(req.gracePeriodSeconds, MINIMUM_GRACE_PERIOD_SECONDS);
  const preStop = req.spec?.lifecycle?.preStop;
  if (preStop && req.runPreStop !== false && req.spec) {
    const started = deps.clock.now();
    const failed = await withTimeout(runLifecycleHandler(deps.runtime, preStop, { containerId: req.containerId, container: req.spec, podIP: req.podIP }, grace), grace * 1000);
    if (failed !== undefined) deps.record(ref, 'Warning', 'FailedPreStopHook', 'PreStopHook failed');
    grace = Math.max(MINIMUM_GRACE_PERIOD_SECONDS, grace - Math.ceil((deps.clock.now() - started) / 1000));
  }
  await deps.runtime.stopContainer(req.containerId, grace);
}

/** The hook's own result, or a timeout message once `ms` passed (the hook keeps running in the container). */
async function withTimeout(p: Promise<string | undefined>, ms: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`hook did not finish within ${ms / 1000}s`), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Go's time.Duration.String() for whole seconds: "10s", "1m20s", "5m0s". */
export function goDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
