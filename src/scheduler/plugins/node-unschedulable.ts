// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import type { FilterPlugin } from '../framework.js';
import { tolerationsTolerateTaint } from '../tolerations.js';
import { TAINT_NODE_UNSCHEDULABLE } from '../types.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  prepareFilter(pod) {
    const tolerates = tolerationsTolerateTaint(pod.pod.spec?.tolerations, { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });
    if (tolerates) return undefined;
    return (node) => (node.unschedulable ? ERR_REASON_UNSCHEDULABLE : undefined);
  },
};
