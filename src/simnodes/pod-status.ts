// The pod statuses a sim kubelet reports: Running with every container ready, and, for pods
// that opt in (see docs/sim-nodes.md), Succeeded or Failed after a while. Pure functions: the
// pod agent decides when to write them.
import type { ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { formatTime } from '../apimachinery/meta.js';
import { fakeId } from './node-template.js';
import { parseDurationMs } from './parse.js';

/** Exit code of every container of the pod ("0" succeeds, anything else fails). */
export const EXIT_CODE_ANNOTATION = 'kite.dev/sim-exit-code';
/** How long the containers run before they exit (Go duration or seconds); default 1 s. */
export const RUN_DURATION_ANNOTATION = 'kite.dev/sim-duration';
export const DEFAULT_RUN_MS = 1000;

export interface SimExit {
  code: number;
  afterMs: number;
}

const SHELLS = new Set(['sh', '/bin/sh', 'bash', '/bin/bash', '/usr/bin/sh', '/usr/bin/bash']);

/**
 * How the pod's containers end, or undefined when they run until deleted. Only pods with
 * restartPolicy Never or OnFailure end; the exit code comes from the annotation, else from the
 * first container's command: `sh -c "... exit N"`, `true` (0) or `false` (1).
 */
export function simExit(pod: Pod): SimExit | undefined {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return undefined;
  const annotations = pod.metadata?.annotations ?? {};
  const afterMs = parseDurationMs(annotations[RUN_DURATION_ANNOTATION]) ?? DEFAULT_RUN_MS;
  const annotated = annotations[EXIT_CODE_ANNOTATION];
  if (annotated !== undefined && /^\d+$/.test(annotated.trim())) return { code: Number(annotated.trim()), afterMs };
  const first = pod.spec?.containers?.[0];
  const argv = [...(first?.command ?? []), ...(first?.args ?? [])];
  const code = exitCodeOfCommand(argv);
  return code === undefined ? undefined : { code, afterMs };
}

function exitCodeOfCommand(argv: string[]): number | undefined {
  const [cmd, ...rest] = argv;
  if (cmd === undefined) return undefined;
  const base = cmd.split('/').pop();
  if (rest.length === 0 && base === 'true') return 0;
  if (rest.length === 0 && base === 'false') return 1;
  if (SHELLS.has(cmd) && rest[0] === '-c' && rest[1] !== undefined) {
    const m = /(?:^|[;&|\n]\s*)exit\s+(\d+)\s*;?\s*$/.exec(rest[1].trim());
    if (m) return Number(m[1]);
    if (rest[1].trim() === 'true') return 0;
  }
  return undefined;
}

export interface PodPlacement {
  hostIP: string;
  podIP: string;
  nowMs: number;
}

const imageIdOf = (image: string): string => `sim://sha256:${fakeId(image, 64)}`;
const containerIdOf = (pod: Pod, name: string, restart = 0): string => `sim://${fakeId(`${pod.metadata?.uid ?? ''}/${name}/${restart}`, 64)}`;

/** The conditions `wanted`, keeping other writers' conditions and the transition times of unchanged ones. */
export function mergeConditions(existing: readonly PodCondition[] | undefined, wanted: PodCondition[], now: string): PodCondition[] {
  const out = (existing ?? []).filter((c) => !wanted.some((w) => w.type === c.type));
  for (const w of wanted) {
    const old = existing?.find((c) => c.type === w.type);
    const unchanged = old !== undefined && old.status === w.status;
    out.push({ ...w, lastTransitionTime: unchanged && old.lastTransitionTime ? old.lastTransitionTime : now });
  }
  return out;
}

const TRUE_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

/** The status of a pod whose containers all run and are ready. */
export function runningStatus(pod: Pod, where: PodPlacement): PodStatus {
  const now = formatTime(where.nowMs);
  const prev = pod.status ?? {};
  const startTime = prev.startTime ?? now;
  const ip = pod.spec?.hostNetwork ? where.hostIP : where.podIP;
  const previousStatus = (name: string): ContainerStatus | undefined => prev.containerStatuses?.find((s) => s.name === name);
  return {
    phase: 'Running',
    conditions: mergeConditions(prev.conditions, TRUE_CONDITIONS.map((type) => ({ type, status: 'True' })), now),
    hostIP: where.hostIP,
    hostIPs: [{ ip: where.hostIP }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime,
    initContainerStatuses: (pod.spec?.initContainers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: imageIdOf(c.image ?? ''),
      containerID: containerIdOf(pod, c.name),
      ready: true,
      started: false,
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: startTime, finishedAt: startTime, containerID: containerIdOf(pod, c.name) } },
    })),
    containerStatuses: (pod.spec?.containers ?? []).map((c) => {
      const old = previousStatus(c.name);
      const restartCount = old?.restartCount ?? 0;
      const startedAt = old?.state?.running?.startedAt ?? now;
      return {
        name: c.name,
        image: c.image ?? '',
        imageID: imageIdOf(c.image ?? ''),
        containerID: containerIdOf(pod, c.name, restartCount),
        ready: true,
        started: true,
        restartCount,
        state: { running: { startedAt } },
        ...(old?.lastState ? { lastState: old.lastState } : {}),
      };
    }),
  };
}

/** The status of a pod whose containers all exited with `code` (restartPolicy Never, or OnFailure with 0). */
export function completedStatus(pod: Pod, code: number, nowMs: number): PodStatus {
  const now = formatTime(nowMs);
  const prev = pod.status ?? {};
  const succeeded = code === 0;
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const notReady = succeeded
    ? { status: 'False', reason: 'PodCompleted' }
    : { status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${names.join(' ')}]` };
  return {
    ...prev,
    phase: succeeded ? 'Succeeded' : 'Failed',
    conditions: mergeConditions(
      prev.conditions,
      [
        { type: 'PodReadyToStartContainers', status: 'False' },
        { type: 'Ready', ...notReady },
        { type: 'ContainersReady', ...notReady },
      ],
      now,
    ),
    containerStatuses: (pod.spec?.containers ?? []).map((c) => {
      const old = prev.containerStatuses?.find((s) => s.name === c.name);
      const containerID = old?.containerID ?? containerIdOf(pod, c.name);
      return {
        name: c.name,
        image: c.image ?? '',
        imageID: imageIdOf(c.image ?? ''),
        containerID,
        ready: false,
        started: false,
        restartCount: old?.restartCount ?? 0,
        state: {
          terminated: { exitCode: code, reason: succeeded ? 'Completed' : 'Error', startedAt: old?.state?.running?.startedAt ?? now, finishedAt: now, containerID },
        },
      };
    }),
  };
}

/** OnFailure with a non-zero exit: the containers restart at once (restartCount + 1, lastState the exit). */
export function restartedStatus(pod: Pod, code: number, where: PodPlacement): PodStatus {
  const now = formatTime(where.nowMs);
  const status = runningStatus(pod, where);
  status.containerStatuses = (status.containerStatuses ?? []).map((s) => {
    const restartCount = s.restartCount + 1;
    const containerID = containerIdOf(pod, s.name, restartCount);
    return {
      ...s,
      containerID,
      restartCount,
      state: { running: { startedAt: now } },
      lastState: { terminated: { exitCode: code, reason: 'Error', startedAt: s.state?.running?.startedAt ?? now, finishedAt: now, containerID: s.containerID } },
    };
  });
  return status;
}

/** True when the pod already shows the Running status this node would report. */
export function reportsRunning(pod: Pod): boolean {
  const s = pod.status;
  if (s?.phase !== 'Running' || !s.podIP || !s.hostIP) return false;
  if ((s.containerStatuses?.length ?? 0) !== (pod.spec?.containers?.length ?? 0)) return false;
  return TRUE_CONDITIONS.every((type) => s.conditions?.some((c) => c.type === type && c.status === 'True'));
}

export const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
