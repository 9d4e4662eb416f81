// PodTopologySpread with the system default constraints (ScheduleAnyway, maxSkew 3 over
// kubernetes.io/hostname and 5 over topology.kubernetes.io/zone): replicas of one workload
// prefer nodes, then zones, holding fewer of them. A workload is the pod's first owner
// reference when that owner selects its pods (ReplicaSet, ReplicationController, StatefulSet);
// pods are counted per owner uid, as upstream counts PodsWithOwnerRef.
// Not supported yet: explicit spec.topologySpreadConstraints (hard or soft).
import type { NodeInfo, ScorePlugin, Snapshot } from '../framework.js';
import { MAX_NODE_SCORE } from '../framework.js';
import { requiredNodeAffinity } from '../node-selector.js';

const HOSTNAME_MAX_SKEW = 3;
const ZONE_MAX_SKEW = 5;

/** topologyNormalizingWeight: log(domains + 2), so small topologies are not watered down by big ones. */
export const topologyNormalizingWeight = (size: number): number => Math.log(size + 2);

/** scoreForCount: maxSkew - 1 is added to water down differences the skew tolerates. */
export const scoreForCount = (count: number, maxSkew: number, weight: number): number => count * weight + (maxSkew - 1);

/** NormalizeScore: fewest matching pods scores 100; MAX * (max + min - s) / max. */
export function normalizeSpread(scores: Float64Array, n: number): void {
  let min = Infinity;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (s < min) min = s;
    if (s > max) max = s;
  }
  for (let i = 0; i < n; i++) {
    scores[i] = max === 0 ? MAX_NODE_SCORE : Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
  }
}

/**
 * Matching pods per zone, for the zones among `feasible` (nodes without the label form the
 * domain "", which never earns zone credit but counts as a domain, as upstream). Counted over
 * all nodes the pod's node affinity allows; without affinity the snapshot's running totals do.
 */
function zoneCounts(owner: string, feasible: readonly NodeInfo[], snapshot: Snapshot, allowed: ((n: NodeInfo) => boolean) | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of feasible) counts.set(node.zone ?? '', 0);
  if (!allowed) {
    for (const zone of counts.keys()) if (zone !== '') counts.set(zone, snapshot.zoneOwnerCount(zone, owner));
    return counts;
  }
  for (const node of snapshot.list()) {
    const zone = node.zone ?? '';
    const c = counts.get(zone);
    if (c === undefined || !allowed(node)) continue;
    counts.set(zone, c + (node.ownerCounts.get(owner) ?? 0));
  }
  return counts;
}

export const podTopologySpread: ScorePlugin = {
  name: 'PodTopologySpread',
  weight: 2,
  prepareScore(pod, feasible, snapshot) {
    const owner = pod.spreadOwner;
    if (owner === undefined || snapshot.numNodes === 0) return undefined;
    const hostWeight = topologyNormalizingWeight(feasible.length);
    // zone -> its share of the score, computed once per pod rather than per node.
    let zoneScores: Map<string, number> | undefined;
    if (snapshot.hasZones) {
      const zones = zoneCounts(owner, feasible, snapshot, requiredNodeAffinity(pod.pod));
      const zoneWeight = topologyNormalizingWeight(zones.size);
      zoneScores = new Map();
      for (const [zone, count] of zones) zoneScores.set(zone, scoreForCount(count, ZONE_MAX_SKEW, zoneWeight));
    }
    return {
      score(node) {
        let s = scoreForCount(node.ownerCounts.get(owner) ?? 0, HOSTNAME_MAX_SKEW, hostWeight);
        if (zoneScores && node.zone !== undefined) s += zoneScores.get(node.zone) ?? 0;
        return Math.round(s);
      },
      normalize: normalizeSpread,
    };
  },
};
