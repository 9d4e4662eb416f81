// NodeResourcesFit. Filter: the pod's requests must fit in the node's allocatable minus what its
// pods request, and one more pod must fit under allocatable pods. Score (LeastAllocated, cpu and
// memory weighted 1:1): the share of each resource left free, with missing requests counted
// at the scheduler's defaults so best-effort pods still spread.
import type { FilterPlugin, NodeInfo, ScorePlugin } from '../framework.js';
import { MAX_NODE_SCORE } from '../framework.js';

export const REASON_TOO_MANY_PODS = 'Too many pods';
export const insufficientReason = (resource: string): string => `Insufficient ${resource}`;
const INSUFFICIENT_CPU = insufficientReason('cpu');
const INSUFFICIENT_MEMORY = insufficientReason('memory');
const INSUFFICIENT_EPHEMERAL = insufficientReason('ephemeral-storage');

export const nodeResourcesFitFilter: FilterPlugin = {
  name: 'NodeResourcesFit',
  prepareFilter(pod) {
    const r = pod.requests;
    const scalar = r.scalar ? [...r.scalar].filter(([, v]) => v > 0) : [];
    const onlyPods = r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && scalar.length === 0;
    return (node: NodeInfo) => {
      let reasons: string[] | undefined;
      if (node.podCount + 1 > node.allowedPodNumber) reasons = [REASON_TOO_MANY_PODS];
      if (onlyPods) return reasons;
      if (r.milliCPU > 0 && r.milliCPU > node.allocatableMilliCPU - node.requestedMilliCPU) (reasons ??= []).push(INSUFFICIENT_CPU);
      if (r.memory > 0 && r.memory > node.allocatableMemory - node.requestedMemory) (reasons ??= []).push(INSUFFICIENT_MEMORY);
      if (r.ephemeralStorage > 0 && r.ephemeralStorage > node.allocatableEphemeralStorage - node.requestedEphemeralStorage) {
        (reasons ??= []).push(INSUFFICIENT_EPHEMERAL);
      }
      for (const [name, want] of scalar) {
        const free = (node.allocatableScalar?.get(name) ?? 0) - (node.requestedScalar?.get(name) ?? 0);
        if (want > free) (reasons ??= []).push(insufficientReason(name));
      }
      return reasons;
    };
  },
};

/** leastRequestedScore: (capacity - requested) * 100 / capacity, 0 when over capacity. */
export const leastRequestedScore = (requested: number, capacity: number): number => {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
};

export const nodeResourcesLeastAllocated: ScorePlugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  prepareScore(pod) {
    const cpu = pod.nonZeroMilliCPU;
    const memory = pod.nonZeroMemory;
    return {
      score(node) {
        let sum = 0;
        let weights = 0;
        if (node.allocatableMilliCPU !== 0) {
          sum += leastRequestedScore(node.nonZeroMilliCPU + cpu, node.allocatableMilliCPU);
          weights++;
        }
        if (node.allocatableMemory !== 0) {
          sum += leastRequestedScore(node.nonZeroMemory + memory, node.allocatableMemory);
          weights++;
        }
        return weights === 0 ? 0 : Math.trunc(sum / weights);
      },
    };
  },
};
