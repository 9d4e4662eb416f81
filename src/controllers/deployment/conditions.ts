// Deployment conditions and the progress questions asked of a status (deployment_util.go):
// complete, progressing, timed out against progressDeadlineSeconds.
import { formatTime } from '../../apimachinery/meta.js';
import { timeOf } from '../replicaset/pod-state.js';
import { specReplicas } from './replicas.js';
import { type Deployment, type DeploymentCondition, type DeploymentStatus, REASON_NEW_RS_AVAILABLE, REASON_TIMED_OUT } from './types.js';

/** Go's math.MaxInt32 means "no deadline". */
const NO_DEADLINE = 2147483647;

export function newCondition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, nowMs: number): DeploymentCondition {
  const at = formatTime(nowMs);
  return { type, status, reason, message, lastUpdateTime: at, lastTransitionTime: at };
}

export const getCondition = (status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined =>
  status?.conditions?.find((c) => c.type === type);

/** SetDeploymentCondition: same status and reason is a no-op; same status keeps lastTransitionTime. */
export function setCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  const rest = (status.conditions ?? []).filter((c) => c.type !== type);
  if (rest.length > 0) status.conditions = rest;
  else delete status.conditions;
}

export const hasProgressDeadline = (d: Deployment): boolean =>
  d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== NO_DEADLINE;

export const hasRevisionHistoryLimit = (d: Deployment): boolean =>
  d.spec?.revisionHistoryLimit !== undefined && d.spec.revisionHistoryLimit !== NO_DEADLINE;

/** Every replica updated and available, and the status is about the current generation. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const want = specReplicas(d);
  return (
    (status.updatedReplicas ?? 0) === want &&
    (status.replicas ?? 0) === want &&
    (status.availableReplicas ?? 0) === want &&
    (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

/** Something moved since the last status: more updated, fewer old, more ready or more available. */
export function deploymentProgressing(d: Deployment, status: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** No progress for progressDeadlineSeconds since the Progressing condition was last updated. */
export function deploymentTimedOut(d: Deployment, status: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(status, 'Progressing');
  if (!cond) return false;
  if (cond.reason === REASON_NEW_RS_AVAILABLE) return false;
  if (cond.reason === REASON_TIMED_OUT) return true;
  const from = timeOf(cond.lastUpdateTime);
  if (from === undefined) return false;
  return from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < nowMs;
}
