// One scheduling decision, pure and synchronous (schedule_one.go schedulePod): filter nodes
// starting where the last cycle stopped until enough feasible ones are found, score those,
// pick the best (a random one among ties). The caller assumes the pod on the chosen node.
import { FitError } from './fit-error.js';
import type { FilterFailure, NodeFilter, NodeInfo, NodeScorer, PodInfo, Profile, Snapshot } from './framework.js';

/** At least this many feasible nodes are looked for (minFeasibleNodesToFind). */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** The adaptive percentage never drops below this (minFeasibleNodesPercentageToFind). */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * numFeasibleNodesToFind: all nodes up to 100; above, `percentage` of them, where 0 means
 * Kubernetes' adaptive 50% - 1% per 125 nodes, floored at 5% and at 100 nodes.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let pct = percentage;
  if (pct === 0) pct = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.trunc(numAllNodes / 125));
  if (pct >= 100) return numAllNodes;
  const n = Math.trunc((numAllNodes * pct) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
}

export interface ScheduleResult {
  nodeName: string;
  /** Nodes the filters looked at. */
  evaluatedNodes: number;
  /** Nodes that passed the filters (and were scored). */
  feasibleNodes: number;
}

export interface AlgorithmOptions {
  /** percentageOfNodesToScore: 0 (default) is adaptive, 100 looks at every node. */
  percentageOfNodesToScore?: number;
  /** For tie breaking; tests pass a seeded one. */
  random?: () => number;
}

export class ScheduleAlgorithm {
  readonly #profile: Profile;
  readonly #percentage: number;
  readonly #random: () => number;
  #nextStartNodeIndex = 0;
  // Reused between cycles so a cycle allocates almost nothing.
  #feasible: NodeInfo[] = [];
  #scores = new Float64Array(0);
  #totals = new Float64Array(0);

  constructor(profile: Profile, options: AlgorithmOptions = {}) {
    this.#profile = profile;
    this.#percentage = options.percentageOfNodesToScore ?? 0;
    this.#random = options.random ?? Math.random;
  }

  /** Picks a node for the pod, or returns the FitError explaining why none fits. */
  schedule(pod: PodInfo, snapshot: Snapshot): ScheduleResult | FitError {
    const nodes = snapshot.list();
    const numAll = nodes.length;
    if (numAll === 0) return new FitError(0, new Map());

    const filters: NodeFilter[] = [];
    for (const plugin of this.#profile.filters) {
      const f = plugin.prepareFilter(pod, snapshot);
      if (f) filters.push(f);
    }

    const toFind = numFeasibleNodesToFind(numAll, this.#percentage);
    const feasible = this.#feasible;
    feasible.length = 0;
    let failures: Map<string, FilterFailure> | undefined;
    const start = this.#nextStartNodeIndex % numAll;
    let i = 0;
    for (; i < numAll && feasible.length < toFind; i++) {
      const node = nodes[(start + i) % numAll]!;
      let failure: FilterFailure | undefined;
      for (let f = 0; f < filters.length; f++) {
        failure = filters[f]!(node);
        if (failure !== undefined) break;
      }
      if (failure === undefined) feasible.push(node);
      else (failures ??= new Map()).set(node.name, failure);
    }
    this.#nextStartNodeIndex = (start + i) % numAll;

    if (feasible.length === 0) return new FitError(numAll, failures ?? new Map());
    const result = { evaluatedNodes: i, feasibleNodes: feasible.length };
    if (feasible.length === 1) return { nodeName: feasible[0]!.name, ...result };
    return { nodeName: this.#prioritize(pod, feasible, snapshot).name, ...result };
  }

  #prioritize(pod: PodInfo, feasible: readonly NodeInfo[], snapshot: Snapshot): NodeInfo {
    const n = feasible.length;
    if (this.#totals.length < n) {
      this.#totals = new Float64Array(Math.max(n, this.#totals.length * 2));
      this.#scores = new Float64Array(this.#totals.length);
    }
    const totals = this.#totals;
    const scores = this.#scores;
    totals.fill(0, 0, n);
    for (const plugin of this.#profile.scores) {
      const scorer: NodeScorer | undefined = plugin.prepareScore(pod, feasible, snapshot);
      if (!scorer) continue;
      for (let i = 0; i < n; i++) scores[i] = scorer.score(feasible[i]!);
      scorer.normalize?.(scores, n, feasible);
      const w = plugin.weight;
      for (let i = 0; i < n; i++) totals[i]! += scores[i]! * w;
    }
    // selectHost: the highest total, reservoir-sampled among ties.
    let best = 0;
    let ties = 1;
    for (let i = 1; i < n; i++) {
      if (totals[i]! > totals[best]!) {
        best = i;
        ties = 1;
      } else if (totals[i] === totals[best]) {
        ties++;
        if (Math.floor(this.#random() * ties) === 0) best = i;
      }
    }
    return feasible[best]!;
  }
}
