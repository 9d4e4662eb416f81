// The `kubectl get pods` row as Kubernetes' printer computes it (pkg/printers/internalversion
// printPod): READY, STATUS (phase, reason, init progress, waiting/terminated reasons, Terminating),
// RESTARTS with "(5m ago)", AGE, and with -o wide IP, NODE, NOMINATED NODE, READINESS GATES.
import { humanDuration } from '../../../../apimachinery/duration.js';
import type { TableCell, TableColumn } from '../../generic/resource.js';
import { age } from '../../../handlers/table.js';
import type { Container, ContainerStatus, Pod } from './types.js';

export const podColumns: TableColumn[] = [
  { name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.' },
  { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.' },
  {
    name: 'Restarts',
    type: 'string',
    description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
  },
  { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
  { name: 'IP', type: 'string', priority: 1, description: 'podIP address allocated to the pod. Routable at least within the cluster.' },
  { name: 'Node', type: 'string', priority: 1, description: 'NodeName indicates in which node this pod is scheduled.' },
  { name: 'Nominated Node', type: 'string', priority: 1, description: 'nominatedNodeName is set only when this pod preempts other pods on the node.' },
  { name: 'Readiness Gates', type: 'string', priority: 1, description: 'If specified, all readiness gates will be evaluated for pod readiness.' },
];

const NODE_UNREACHABLE_REASON = 'NodeLost';

const isRestartable = (c: Container | undefined): boolean => c?.restartPolicy === 'Always';
const conditionTrue = (pod: Pod, type: string): boolean => (pod.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
const initializedTrue = (pod: Pod): boolean => {
  const c = (pod.status?.conditions ?? []).find((cond) => cond.type === 'Initialized');
  return c?.status === 'True';
};
const finishedAt = (s: ContainerStatus): number => {
  const t = s.lastState?.terminated?.finishedAt;
  return t ? Date.parse(t) : 0;
};

export interface PodSummary {
  ready: string;
  status: string;
  restarts: number;
  /** ms since epoch of the last restart that counts, 0 when none. */
  lastRestart: number;
}

export function summarizePod(pod: Pod): PodSummary {
  const spec = pod.spec;
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableRestarts = 0;
  let total = (spec?.containers ?? []).length;
  let ready = 0;
  let lastRestart = 0;
  let lastRestartableRestart = 0;
  const phase = status.phase ?? '';
  let reason: string = status.reason || phase;
  if ((status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const inits = new Map<string, Container>();
  for (const c of spec?.initContainers ?? []) {
    inits.set(c.name, c);
    if (isRestartable(c)) total++;
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    restarts += c.restartCount ?? 0;
    lastRestart = Math.max(lastRestart, finishedAt(c));
    const restartable = isRestartable(inits.get(c.name));
    if (restartable) {
      restartableRestarts += c.restartCount ?? 0;
      lastRestartableRestart = Math.max(lastRestartableRestart, finishedAt(c));
    }
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (restartable && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (terminated) {
      if (terminated.reason) reason = `Init:${terminated.reason}`;
      else reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${(spec?.initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || initializedTrue(pod)) {
    restarts = restartableRestarts;
    lastRestart = lastRestartableRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += c.restartCount ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(c));
      const waiting = c.state?.waiting;
      const terminated = c.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A completed container beside a running one: the pod is still running.
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp && status.reason === NODE_UNREACHABLE_REASON) reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  return { ready: `${ready}/${total}`, status: reason, restarts, lastRestart };
}

export function podCells(pod: Pod, now: number): TableCell[] {
  const s = summarizePod(pod);
  const restarts = s.restarts !== 0 && s.lastRestart > 0 ? `${s.restarts} (${humanDuration(now - s.lastRestart)} ago)` : String(s.restarts);
  const ip = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>';
  const gates = pod.spec?.readinessGates ?? [];
  let readinessGates = '<none>';
  if (gates.length > 0) {
    const conditions = pod.status?.conditions ?? [];
    const trueCount = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
    readinessGates = `${trueCount}/${gates.length}`;
  }
  return [s.ready, s.status, restarts, age(pod, now), ip, pod.spec?.nodeName || '<none>', pod.status?.nominatedNodeName || '<none>', readinessGates];
}
