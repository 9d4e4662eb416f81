import { tryParseQuantity } from '../../../../apimachinery/quantity.js';
import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { type HorizontalPodAutoscaler, type MetricStatus, hpaStatusStrategy, hpaStrategy } from './strategy.js';

const MAX_SHOWN = 2;

/** Quantity.String(): the canonical form ("0.5" prints as "500m"). */
const q = (s: string | undefined): string => {
  if (s === undefined) return '<nil>';
  return tryParseQuantity(s)?.canonical() ?? s;
};

const current = (statuses: MetricStatus[], i: number, key: keyof MetricStatus): MetricStatus[keyof MetricStatus] | undefined =>
  statuses[i]?.[key];

/** formatHPAMetrics: "cpu: 45%/80%, memory: <unknown>/1Gi + 1 more...". */
export function formatHPAMetrics(hpa: HorizontalPodAutoscaler): string {
  const specs = hpa.spec?.metrics ?? [];
  const statuses = hpa.status?.currentMetrics ?? [];
  if (specs.length === 0) return '<none>';
  const list = specs.map((spec, i): string => {
    switch (spec.type) {
      case 'External':
      case 'Object': {
        const key = spec.type === 'External' ? 'external' : 'object';
        const target = spec[key]?.target;
        const status = current(statuses, i, key) as { current?: { value?: string; averageValue?: string } } | undefined;
        const cur = status?.current;
        if (target?.averageValue !== undefined) {
          return `${cur?.averageValue !== undefined ? q(cur.averageValue) : '<unknown>'}/${q(target.averageValue)} (avg)`;
        }
        return `${status ? q(cur?.value) : '<unknown>'}/${q(target?.value)}`;
      }
      case 'Pods': {
        const status = statuses[i]?.pods;
        return `${status ? q(status.current?.averageValue) : '<unknown>'}/${q(spec.pods?.target?.averageValue)}`;
      }
      case 'Resource':
      case 'ContainerResource': {
        const key = spec.type === 'Resource' ? 'resource' : 'containerResource';
        const src = spec[key];
        const cur = (current(statuses, i, key) as { current?: { averageValue?: string; averageUtilization?: number } } | undefined)?.current;
        const hasStatus = current(statuses, i, key) !== undefined;
        if (src?.target?.averageValue !== undefined) {
          return `${src.name ?? ''}: ${hasStatus ? q(cur?.averageValue) : '<unknown>'}/${q(src.target.averageValue)}`;
        }
        const now = cur?.averageUtilization !== undefined ? `${cur.averageUtilization}%` : '<unknown>';
        const target = src?.target?.averageUtilization !== undefined ? `${src.target.averageUtilization}%` : '<auto>';
        return `${src?.name ?? ''}: ${now}/${target}`;
      }
      default:
        return '<unknown type>';
    }
  });
  if (list.length > MAX_SHOWN) return `${list.slice(0, MAX_SHOWN).join(', ')} + ${list.length - MAX_SHOWN} more...`;
  return list.join(', ');
}

export const horizontalpodautoscalers = defineResource<HorizontalPodAutoscaler>({
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  resource: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  shortNames: ['hpa'],
  categories: ['all'],
  namespaced: true,
  strategy: hpaStrategy,
  statusStrategy: hpaStatusStrategy,
  table: {
    columns: [
      { name: 'Reference', type: 'string', description: 'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.' },
      { name: 'Targets', type: 'string', description: 'metrics contains the specifications for which to use to calculate the desired replica count.' },
      { name: 'MinPods', type: 'string', description: 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.' },
      { name: 'MaxPods', type: 'string', description: 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.' },
      { name: 'Replicas', type: 'string', description: 'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (hpa, now) => [
      `${hpa.spec?.scaleTargetRef?.kind ?? ''}/${hpa.spec?.scaleTargetRef?.name ?? ''}`,
      formatHPAMetrics(hpa),
      hpa.spec?.minReplicas !== undefined ? String(hpa.spec.minReplicas) : '<unset>',
      hpa.spec?.maxReplicas ?? 0,
      hpa.status?.currentReplicas ?? 0,
      age(hpa, now),
    ],
  },
});
