// NodeName: a pod that names its node fits only that node.
import type { FilterPlugin } from '../framework.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

export const nodeName: FilterPlugin = {
  name: 'NodeName',
  prepareFilter(pod) {
    const wanted = pod.pod.spec?.nodeName;
    if (!wanted) return undefined;
    return (node) => (node.name === wanted ? undefined : ERR_REASON_NODE_NAME);
  },
};
