// The PodStatus the agent reports, generated from the pod, what the runtime holds and the last
// sync's failures: the kubelet's generateAPIPodStatus, convertToAPIContainerStatuses and getPhase
// (pkg/kubelet/kubelet_pods.go) and the condition generators of pkg/kubelet/status. Pure.
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { formatTime } from '../../apimachinery/meta.js';
import type { ContainerKind } from './labels.js';
import { findContainer, shouldContainerBeRestarted } from './pod-actions.js';
import { podQOS } from '../kuberuntime/qos.js';
import type { ContainerInfo, PodRuntimeState } from './runtime-state.js';

/** A container's last start failure (the kubelet's reasonCache): CrashLoopBackOff, ErrImagePull, ... */
export interface StartFailure {
  reason: string;
  message: string;
}

export interface StatusContext {
  now: number;
  nodeIPs: string[];
  /** Last start failure per container name. */
  failures: ReadonlyMap<string, StartFailure>;
  /** Readiness probe result of a running container (true when it has no readiness probe). */
  ready(containerId: string): boolean;
  /** Startup probe passed (true when it has no startup probe). */
  started(containerId: string): boolean;
  /** The pod's containers are all stopped for good (deleted, or evicted): its phase becomes terminal. */
  terminal?: boolean;
}

export const CONTAINER_ID_PREFIX = 'containerd://';
const time = (ms: number): string | undefined => (ms > 0 ? formatTime(ms) : undefined);

function terminatedState(c: ContainerInfo): ContainerState {
  return {
    terminated: {
      exitCode: c.exitCode,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
      startedAt: time(c.startedAt),
      finishedAt: time(c.finishedAt),
      containerID: CONTAINER_ID_PREFIX + c.id,
    },
  };
}

function containerStatuses(pod: Pod, state: PodRuntimeState, ctx: StatusContext, specs: Container[], kind: ContainerKind): ContainerStatus[] {
  const hasInits = (pod.spec?.initContainers?.length ?? 0) > 0;
  const defaultWaiting = hasInits ? 'PodInitializing' : 'ContainerCreating';
  return specs.map((spec) => {
    const latest = findContainer(state, spec.name, kind);
    const failure = ctx.failures.get(spec.name);
    if (!latest) {
      return {
        name: spec.name,
        state: { waiting: failure ? { reason: failure.reason, message: failure.message } : { reason: defaultWaiting } },
        lastState: {},
        ready: false,
        restartCount: 0,
        image: spec.image ?? '',
        imageID: '',
        started: false,
      };
    }
    const status: ContainerStatus = {
      name: spec.name,
      state: {},
      lastState: {},
      ready: false,
      restartCount: latest.restartCount,
      image: latest.image || (spec.image ?? ''),
      imageID: latest.imageRef,
      containerID: CONTAINER_ID_PREFIX + latest.id,
      started: false,
    };
    if (latest.state === 'CONTAINER_RUNNING') {
      status.state = { running: { startedAt: time(latest.startedAt) } };
      status.started = ctx.started(latest.id);
      status.ready = status.started && ctx.ready(latest.id);
    } else if (latest.state === 'CONTAINER_EXITED') {
      status.state = terminatedState(latest);
    } else {
      status.state = { waiting: { reason: 'ContainerCreating' } };
    }
    const previous = state.containers.filter((c) => c.kind === kind && c.name === spec.name)[1];
    if (previous?.state === 'CONTAINER_EXITED') status.lastState = terminatedState(previous);
    // An exited container that will be restarted shows why it is not running yet.
    if (latest.state === 'CONTAINER_EXITED' && failure && shouldContainerBeRestarted(spec, pod, state, kind)) {
      status.lastState = status.state;
      status.state = { waiting: { reason: failure.reason, message: failure.message } };
    }
    return status;
  });
}

type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** The kubelet's getPhase; a terminal pod (all containers stopped for good) ends Succeeded or Failed. */
export function podPhase(pod: Pod, inits: ContainerStatus[], regular: ContainerStatus[], terminal: boolean): Phase {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of inits) {
    if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state?.waiting && s.lastState?.terminated) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else pendingInit++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of regular) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  const anyStarted = running > 0 || stopped > 0;
  let phase: Phase;
  if (failedInit > 0 && policy === 'Never') phase = 'Failed';
  else if ((pendingInit > 0 && !anyStarted) || waiting > 0) phase = 'Pending';
  else if (running > 0 && unknown === 0) phase = 'Running';
  else if (running === 0 && stopped > 0 && unknown === 0) {
    if (terminal) phase = stopped === succeeded ? 'Succeeded' : 'Failed';
    else if (policy === 'Always') phase = 'Running';
    else if (stopped === succeeded) phase = 'Succeeded';
    else if (policy === 'Never') phase = 'Failed';
    else phase = 'Running';
  } else phase = 'Pending';
  // Nothing will run again in a terminal pod, whatever state its containers were left in.
  if (terminal && (phase === 'Pending' || phase === 'Running')) phase = 'Failed';
  return phase;
}

const names = (list: string[]): string => `[${list.join(' ')}]`;

function initializedCondition(pod: Pod, inits: ContainerStatus[], regular: ContainerStatus[], phase: Phase): Omit<PodCondition, 'lastTransitionTime'> {
  if ((pod.spec?.initContainers?.length ?? 0) === 0) return { type: 'Initialized', status: 'True' };
  const incomplete = inits.filter((s) => !(s.state?.terminated && s.state.terminated.exitCode === 0)).map((s) => s.name);
  if (phase === 'Succeeded') return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  if (regular.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated)) return { type: 'Initialized', status: 'True' };
  if (incomplete.length > 0) return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: ${names(incomplete)}` };
  return { type: 'Initialized', status: 'True' };
}

function containersReadyCondition(regular: ContainerStatus[], phase: Phase): Omit<PodCondition, 'lastTransitionTime'> {
  if (phase === 'Succeeded') return { type: 'ContainersReady', status: 'False', reason: 'PodCompleted' };
  const unready = regular.filter((s) => !s.ready).map((s) => s.name);
  if (unready.length > 0) return { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: ${names(unready)}` };
  return { type: 'ContainersReady', status: 'True' };
}

function readyCondition(pod: Pod, containersReady: Omit<PodCondition, 'lastTransitionTime'>): Omit<PodCondition, 'lastTransitionTime'> {
  if (containersReady.status !== 'True') return { ...containersReady, type: 'Ready' };
  const unready: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = pod.status?.conditions?.find((x) => x.type === gate.conditionType);
    if (!c) unready.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') unready.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  if (unready.length > 0) return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: unready.join(', ') };
  return { type: 'Ready', status: 'True' };
}

/** Keeps a condition's transition time while its status stays the same. */
function withTransition(c: Omit<PodCondition, 'lastTransitionTime'>, old: PodCondition[] | undefined, now: string): PodCondition {
  const prev = old?.find((x) => x.type === c.type);
  return { ...c, lastTransitionTime: prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now };
}

/** The condition types the agent owns; others (PodScheduled, readiness gates) are kept as they are. */
export const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

export function generatePodStatus(pod: Pod, state: PodRuntimeState, ctx: StatusContext): PodStatus {
  const old = pod.status;
  const inits = containerStatuses(pod, state, ctx, pod.spec?.initContainers ?? [], 'init');
  const regular = containerStatuses(pod, state, ctx, pod.spec?.containers ?? [], 'regular');
  let phase = podPhase(pod, inits, regular, ctx.terminal ?? false);
  // A pod never leaves a terminal phase.
  if (old?.phase === 'Succeeded' || old?.phase === 'Failed') phase = old.phase;

  const now = formatTime(ctx.now);
  const sandbox = state.sandboxes[0];
  const sandboxReady = sandbox?.state === 'SANDBOX_READY' && (pod.spec?.hostNetwork === true || sandbox.ips.length > 0);
  const containersReady = containersReadyCondition(regular, phase);
  const conditions: PodCondition[] = [
    withTransition({ type: 'PodReadyToStartContainers', status: sandboxReady ? 'True' : 'False' }, old?.conditions, now),
    withTransition(initializedCondition(pod, inits, regular, phase), old?.conditions, now),
    withTransition(readyCondition(pod, containersReady), old?.conditions, now),
    withTransition(containersReady, old?.conditions, now),
    // PodScheduled and any condition other components own (readiness gates, DisruptionTarget) are kept.
    ...(old?.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type)),
  ];

  const hostNetwork = pod.spec?.hostNetwork === true;
  const podIPs = hostNetwork ? ctx.nodeIPs : sandbox?.state === 'SANDBOX_READY' ? sandbox.ips : (old?.podIPs ?? []).map((p) => p.ip ?? '').filter(Boolean);
  const status: PodStatus = {
    phase,
    conditions,
    ...(ctx.nodeIPs[0] ? { hostIP: ctx.nodeIPs[0], hostIPs: ctx.nodeIPs.map((ip) => ({ ip })) } : {}),
    ...(podIPs[0] ? { podIP: podIPs[0], podIPs: podIPs.map((ip) => ({ ip })) } : {}),
    startTime: old?.startTime ?? now,
    ...(inits.length > 0 ? { initContainerStatuses: inits } : {}),
    containerStatuses: regular,
    qosClass: podQOS(pod),
  };
  for (const key of ['message', 'reason', 'nominatedNodeName'] as const) if (old?.[key]) status[key] = old[key];
  return status;
}
