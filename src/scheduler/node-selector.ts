// Node selector terms (component-helpers nodeaffinity): requirements on node labels
// (In, NotIn, Exists, DoesNotExist, Gt, Lt) and on the field metadata.name (In, NotIn).
// Terms are ORed, requirements within a term ANDed; an empty or invalid term matches nothing.
import { type Operator, type Requirement, newRequirement, requirementMatches } from '../apimachinery/labels.js';
import type { NodeInfo } from './node-info.js';
import type { NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from './types.js';

export type NodeMatcher = (node: NodeInfo) => boolean;

const LABEL_OPERATORS: Record<string, Operator> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
  Gt: 'gt',
  Lt: 'lt',
};

const labelRequirement = (r: NodeSelectorRequirement): Requirement | undefined => {
  const op = LABEL_OPERATORS[r.operator];
  if (!op) return undefined;
  try {
    return newRequirement(r.key, op, r.values ?? []);
  } catch {
    return undefined;
  }
};

type FieldRequirement = { in: boolean; name: string };

const fieldRequirement = (r: NodeSelectorRequirement): FieldRequirement | undefined => {
  if (r.key !== 'metadata.name' || r.values?.length !== 1) return undefined;
  if (r.operator === 'In') return { in: true, name: r.values[0]! };
  if (r.operator === 'NotIn') return { in: false, name: r.values[0]! };
  return undefined;
};

/** One term as a matcher, or undefined when the term matches nothing (empty or invalid). */
export function compileTerm(term: NodeSelectorTerm | undefined): NodeMatcher | undefined {
  const exprs = term?.matchExpressions ?? [];
  const fields = term?.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return undefined;
  const labels: Requirement[] = [];
  for (const e of exprs) {
    const r = labelRequirement(e);
    if (!r) return undefined;
    labels.push(r);
  }
  const names: FieldRequirement[] = [];
  for (const f of fields) {
    const r = fieldRequirement(f);
    if (!r) return undefined;
    names.push(r);
  }
  return (node) => {
    for (const r of labels) if (!requirementMatches(r, node.labels)) return false;
    for (const r of names) if ((node.name === r.name) !== r.in) return false;
    return true;
  };
}

/** NodeSelector: any term matches. */
export function compileTerms(terms: readonly NodeSelectorTerm[] | undefined): NodeMatcher {
  const matchers = (terms ?? []).map(compileTerm).filter((m): m is NodeMatcher => m !== undefined);
  if (matchers.length === 0) return () => false;
  if (matchers.length === 1) return matchers[0]!;
  return (node) => {
    for (const m of matchers) if (m(node)) return true;
    return false;
  };
}

/**
 * GetRequiredNodeAffinity: spec.nodeSelector AND the required node affinity terms.
 * Undefined when the pod sets neither (every node matches).
 */
export function requiredNodeAffinity(pod: Pod): NodeMatcher | undefined {
  const selector = pod.spec?.nodeSelector;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const entries = selector ? Object.entries(selector) : [];
  if (entries.length === 0 && !required) return undefined;
  const terms = required ? compileTerms(required.nodeSelectorTerms) : undefined;
  return (node) => {
    for (const [k, v] of entries) if (node.labels[k] !== v) return false;
    return terms === undefined || terms(node);
  };
}

export interface WeightedMatcher {
  weight: number;
  matches: NodeMatcher;
}

/** The preferred terms that can match anything, with their weights. */
export function preferredNodeAffinity(pod: Pod): WeightedMatcher[] {
  const terms: readonly PreferredSchedulingTerm[] = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  const out: WeightedMatcher[] = [];
  for (const t of terms) {
    if (!t.weight) continue;
    const matches = compileTerm(t.preference);
    if (matches) out.push({ weight: t.weight, matches });
  }
  return out;
}
