// NodeAffinity. Filter: spec.nodeSelector and the required node affinity terms. Score: the sum
// of the weights of the preferred terms a node matches, scaled so the best node gets 100.
import type { FilterPlugin, ScorePlugin } from '../framework.js';
import { preferredNodeAffinity, requiredNodeAffinity } from '../node-selector.js';
import { defaultNormalizeScore } from '../normalize.js';

export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinityFilter: FilterPlugin = {
  name: 'NodeAffinity',
  prepareFilter(pod) {
    const matches = requiredNodeAffinity(pod.pod);
    if (!matches) return undefined;
    return (node) => (matches(node) ? undefined : ERR_REASON_NODE_AFFINITY);
  },
};

export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  prepareScore(pod) {
    const preferred = preferredNodeAffinity(pod.pod);
    if (preferred.length === 0) return undefined;
    return {
      score(node) {
        let sum = 0;
        for (const p of preferred) if (p.matches(node)) sum += p.weight;
        return sum;
      },
      normalize: (scores, n) => defaultNormalizeScore(scores, n, false),
    };
  },
};
