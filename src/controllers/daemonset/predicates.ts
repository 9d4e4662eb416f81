// Which nodes a DaemonSet runs on (daemon_controller.go NodeShouldRunDaemonPod and predicates):
// the pod the DaemonSet would make for the node — its template, the node name, and the
// tolerations every daemon pod gets — must fit the node's name, nodeSelector, required node
// affinity and NoSchedule/NoExecute taints to start there; an existing pod keeps running unless
// the name or affinity stop fitting or a NoExecute taint is not tolerated.
import { type Operator, newRequirement, requirementMatches } from '../../apimachinery/labels.js';
import { toleratesTaint } from '../../scheduler/tolerations.js';
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, PodTemplateSpec, Taint, Toleration } from './types.js';

/** The tolerations every daemon pod gets (util.AddOrUpdateDaemonPodTolerations). */
export function daemonPodTolerations(spec: PodTemplateSpec['spec']): Toleration[] {
  const automatic: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec?.hostNetwork) automatic.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const out = [...(spec?.tolerations ?? [])];
  for (const t of automatic) {
    // Replaces a toleration of the same key, operator and effect, as AddOrUpdateTolerationInPodSpec does.
    const i = out.findIndex((o) => o.key === t.key && (o.operator ?? 'Equal') === t.operator && o.effect === t.effect);
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  return out;
}

const LABEL_OPERATORS: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

// The scheduler has the same matcher over its own NodeInfo; this one reads a Node directly.
function requirementFits(r: NodeSelectorRequirement, node: Node, field: boolean): boolean {
  if (field) {
    if (r.key !== 'metadata.name' || r.values?.length !== 1) return false;
    const same = node.metadata?.name === r.values[0];
    return r.operator === 'In' ? same : r.operator === 'NotIn' ? !same : false;
  }
  const op = LABEL_OPERATORS[r.operator];
  if (!op) return false;
  try {
    return requirementMatches(newRequirement(r.key, op, r.values ?? []), node.metadata?.labels);
  } catch {
    return false;
  }
}

/** A term matches when all its requirements do; an empty term matches nothing. */
function termFits(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  return exprs.every((r) => requirementFits(r, node, false)) && fields.every((r) => requirementFits(r, node, true));
}

/** spec.nodeSelector and the required node affinity terms (any term) both hold. */
export function nodeAffinityFits(spec: PodTemplateSpec['spec'], node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((term) => termFits(term, node));
}

const untolerated = (taints: readonly Taint[], tolerations: readonly Toleration[], effects: ReadonlySet<string>): boolean =>
  taints.some((taint) => effects.has(taint.effect) && !tolerations.some((t) => toleratesTaint(t, taint)));

export interface Placement {
  /** A daemon pod should be created on the node if it has none. */
  shouldRun: boolean;
  /** A daemon pod already on the node may stay. */
  shouldContinueRunning: boolean;
}

const SCHEDULE_EFFECTS = new Set(['NoSchedule', 'NoExecute']);
const EXECUTE_EFFECTS = new Set(['NoExecute']);

export function nodeShouldRunDaemonPod(node: Node, template: PodTemplateSpec): Placement {
  const spec = template.spec;
  const fitsName = !spec?.nodeName || spec.nodeName === node.metadata?.name;
  if (!fitsName || !nodeAffinityFits(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = daemonPodTolerations(spec);
  const taints = node.spec?.taints ?? [];
  if (!untolerated(taints, tolerations, SCHEDULE_EFFECTS)) return { shouldRun: true, shouldContinueRunning: true };
  return { shouldRun: false, shouldContinueRunning: !untolerated(taints, tolerations, EXECUTE_EFFECTS) };
}

/** The node a daemon pod is for: its nodeName, or the metadata.name its node affinity pins it to. */
export function targetNodeName(pod: { spec?: PodTemplateSpec['spec'] }): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}
