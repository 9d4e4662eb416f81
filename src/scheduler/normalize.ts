// helper.DefaultNormalizeScore: scale raw scores so the highest becomes MAX_NODE_SCORE
// (reverse: the highest becomes 0). Integer division as upstream.
import { MAX_NODE_SCORE } from './framework.js';

export function defaultNormalizeScore(scores: Float64Array, n: number, reverse: boolean): void {
  let max = 0;
  for (let i = 0; i < n; i++) if (scores[i]! > max) max = scores[i]!;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE, 0, n);
    return;
  }
  for (let i = 0; i < n; i++) {
    const s = Math.trunc((MAX_NODE_SCORE * scores[i]!) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}
