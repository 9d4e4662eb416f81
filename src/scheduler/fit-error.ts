// FitError: why a pod fits no node, in the words of the FailedScheduling event and the
// PodScheduled condition: "0/3 nodes are available: 1 node(s) had untolerated taint {k: v},
// 2 Insufficient cpu." (framework/types.go FitError.Error(): each reason counted over nodes,
// "<count> <reason>" strings sorted, joined with ", ").
import type { FilterFailure } from './framework.js';

/** ErrNoNodesAvailable's text: the cluster has no node at all. */
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export function fitErrorMessage(numAllNodes: number, failures: Iterable<FilterFailure>, postFilterMessage = ''): string {
  if (numAllNodes === 0) return NO_NODES_AVAILABLE;
  const counts = new Map<string, number>();
  const count = (reason: string): void => {
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  };
  for (const f of failures) {
    if (typeof f === 'string') count(f);
    else for (const r of f) count(r);
  }
  const parts = [...counts].map(([reason, n]) => `${n} ${reason}`);
  // Go's sort.Strings: byte order, which is code unit order for the ASCII these reasons use.
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let msg = `0/${numAllNodes} nodes are available:`;
  if (parts.length) msg += ` ${parts.join(', ')}.`;
  if (postFilterMessage) msg += ` ${postFilterMessage}.`;
  return msg;
}

export class FitError extends Error {
  readonly numAllNodes: number;
  /** Node name -> why it was filtered out. */
  readonly nodeFailures: ReadonlyMap<string, FilterFailure>;

  constructor(numAllNodes: number, nodeFailures: ReadonlyMap<string, FilterFailure>, postFilterMessage = '') {
    super(fitErrorMessage(numAllNodes, nodeFailures.values(), postFilterMessage));
    this.name = 'FitError';
    this.numAllNodes = numAllNodes;
    this.nodeFailures = nodeFailures;
  }
}
