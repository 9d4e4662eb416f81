// TaintToleration. Filter: a NoSchedule or NoExecute taint the pod does not tolerate rules the
// node out. Score: fewer untolerated PreferNoSchedule taints is better (reversed normalization).
import type { FilterPlugin, ScorePlugin } from '../framework.js';
import { defaultNormalizeScore } from '../normalize.js';
import { findUntoleratedTaint, tolerationsTolerateTaint } from '../tolerations.js';

export const untoleratedTaintReason = (key: string, value: string | undefined): string => `node(s) had untolerated taint {${key}: ${value ?? ''}}`;

export const taintTolerationFilter: FilterPlugin = {
  name: 'TaintToleration',
  prepareFilter(pod) {
    const tolerations = pod.pod.spec?.tolerations;
    return (node) => {
      if (node.hardTaints.length === 0) return undefined;
      const taint = findUntoleratedTaint(node.hardTaints, tolerations);
      return taint ? untoleratedTaintReason(taint.key, taint.value) : undefined;
    };
  },
};

export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  weight: 3,
  prepareScore(pod, _feasible, snapshot) {
    // With no PreferNoSchedule taint anywhere every node scores the same, which changes no choice.
    if (!snapshot.hasPreferNoScheduleTaints) return undefined;
    const tolerations = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    return {
      score(node) {
        let n = 0;
        for (const taint of node.preferNoScheduleTaints) if (!tolerationsTolerateTaint(tolerations, taint)) n++;
        return n;
      },
      normalize: (scores, n) => defaultNormalizeScore(scores, n, true),
    };
  },
};
