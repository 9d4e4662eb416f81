import type { KubeObject } from '../../../../apimachinery/meta.js';
import type { GracePeriodFn } from '../../generic/delete.js';
import { defineResource } from '../../generic/resource.js';
import { podCells, podColumns } from './printer.js';
import { podStatusStrategy, podStrategy } from './strategy.js';
import type { Pod } from './types.js';

export const pods = defineResource<Pod>({
  group: '',
  version: 'v1',
  kind: 'Pod',
  resource: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  categories: ['all'],
  namespaced: true,
  strategy: podStrategy,
  statusStrategy: podStatusStrategy,
  table: { columns: podColumns, cells: podCells },
  selectableFields: {
    'spec.nodeName': (pod) => pod.spec?.nodeName ?? '',
    'spec.restartPolicy': (pod) => pod.spec?.restartPolicy ?? '',
    'spec.schedulerName': (pod) => pod.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (pod) => pod.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (pod) => String(pod.spec?.hostNetwork === true),
    'status.phase': (pod) => pod.status?.phase ?? '',
    'status.podIP': (pod) => pod.status?.podIPs?.[0]?.ip ?? pod.status?.podIP ?? '',
    'status.nominatedNodeName': (pod) => pod.status?.nominatedNodeName ?? '',
  },
  extraSubresources: [
    { name: 'binding', group: '', version: 'v1', kind: 'Binding', verbs: ['create'] },
    { name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
    { name: 'log', group: '', version: 'v1', kind: 'Pod', verbs: ['get'] },
    { name: 'exec', group: '', version: 'v1', kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'attach', group: '', version: 'v1', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
    { name: 'portforward', group: '', version: 'v1', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  ],
});

/**
 * Graceful deletion (podStrategy.CheckGracefulDelete): a pod running on a node gets the requested
 * grace period, else its terminationGracePeriodSeconds, else 30 s, so the node can stop it; a pod
 * that never reached a node or has finished goes at once. Negative periods become 1.
 */
export const podGracePeriod: GracePeriodFn = (obj: KubeObject, requested: number | undefined): number => {
  const pod = obj as Pod;
  if (!pod.spec?.nodeName) return 0;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 0;
  const period = requested ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  return period < 0 ? 1 : period;
};
