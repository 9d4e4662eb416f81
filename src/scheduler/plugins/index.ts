// The default profile: Kubernetes' default plugins in their order (filters stop at the first
// failure, so the order decides which reason a node reports) with their default score weights.
import type { Profile } from '../framework.js';
import { nodeAffinityFilter, nodeAffinityScore } from './node-affinity.js';
import { nodeName } from './node-name.js';
import { nodePorts } from './node-ports.js';
import { nodeResourcesBalancedAllocation } from './node-resources-balanced-allocation.js';
import { nodeResourcesFitFilter, nodeResourcesLeastAllocated } from './node-resources-fit.js';
import { nodeUnschedulable } from './node-unschedulable.js';
import { podTopologySpread } from './pod-topology-spread.js';
import { taintTolerationFilter, taintTolerationScore } from './taint-toleration.js';

export const defaultProfile = (): Profile => ({
  filters: [nodeUnschedulable, nodeName, taintTolerationFilter, nodeAffinityFilter, nodePorts, nodeResourcesFitFilter],
  scores: [taintTolerationScore, nodeAffinityScore, nodeResourcesLeastAllocated, podTopologySpread, nodeResourcesBalancedAllocation],
});
