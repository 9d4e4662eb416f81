// NodeResourcesBalancedAllocation: prefer nodes whose cpu and memory would be used in equal
// shares after placing the pod: score = (1 - |cpuFraction - memoryFraction| / 2) * 100.
// Best-effort pods are not scored (kubernetes#129138: they would all pile onto one node).
import type { ScorePlugin } from '../framework.js';
import { MAX_NODE_SCORE } from '../framework.js';

export const balancedScore = (cpuRequested: number, cpuAllocatable: number, memRequested: number, memAllocatable: number): number => {
  if (cpuAllocatable === 0 || memAllocatable === 0) return MAX_NODE_SCORE;
  const cpu = Math.min(1, cpuRequested / cpuAllocatable);
  const mem = Math.min(1, memRequested / memAllocatable);
  return Math.trunc((1 - Math.abs(cpu - mem) / 2) * MAX_NODE_SCORE);
};

export const nodeResourcesBalancedAllocation: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  prepareScore(pod) {
    const { milliCPU, memory } = pod.requests;
    if (milliCPU === 0 && memory === 0) return undefined;
    return {
      score: (node) => balancedScore(node.requestedMilliCPU + milliCPU, node.allocatableMilliCPU, node.requestedMemory + memory, node.allocatableMemory),
    };
  },
};
