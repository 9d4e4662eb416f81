// NodePorts: the pod's host ports must be free on the node (same protocol and port, with
// 0.0.0.0 overlapping every address).
import type { FilterPlugin } from '../framework.js';

export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  prepareFilter(pod) {
    const wanted = pod.hostPorts;
    if (wanted.length === 0) return undefined;
    return (node) => {
      if (node.usedPorts.size === 0) return undefined;
      for (const p of wanted) if (node.usedPorts.conflicts(p)) return ERR_REASON_NODE_PORTS;
      return undefined;
    };
  },
};
