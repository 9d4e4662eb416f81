import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { formatHPAMetrics, horizontalpodautoscalers } from './storage.js';
import { type HorizontalPodAutoscaler, hpaStatusStrategy, hpaStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'admin', groups: [] }, namespace: 'default', dryRun: false };
const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

const hpa = (spec: HorizontalPodAutoscaler['spec']): HorizontalPodAutoscaler => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec,
});

const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

describe('horizontalpodautoscalers strategy', () => {
  it('defaults minReplicas and a CPU target, without a generation', () => {
    const h = hpa({ scaleTargetRef: target, maxReplicas: 5 });
    hpaStrategy.prepareForCreate(h, ctx);
    assert.equal(h.spec?.minReplicas, 1);
    assert.deepEqual(h.spec?.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    assert.equal(h.metadata.generation, undefined);
    assert.deepEqual(messages(hpaStrategy.validate(h, ctx)), []);
  });

  it('fills in behavior defaults when behavior is given', () => {
    const h = hpa({ scaleTargetRef: target, maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
    hpaStrategy.prepareForCreate(h, ctx);
    assert.deepEqual(h.spec?.behavior, {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], stabilizationWindowSeconds: 60 },
    });
  });

  it('requires maxReplicas >= minReplicas and a target', () => {
    const h = hpa({ minReplicas: 3, maxReplicas: 2 });
    hpaStrategy.prepareForCreate(h, ctx);
    assert.deepEqual(messages(hpaStrategy.validate(h, ctx)), [
      'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
      'spec.scaleTargetRef.kind: Required value',
      'spec.scaleTargetRef.name: Required value',
    ]);
    const zero = hpa({ scaleTargetRef: target, minReplicas: 0, maxReplicas: 0 });
    hpaStrategy.prepareForCreate(zero, ctx);
    assert.deepEqual(messages(hpaStrategy.validate(zero, ctx)).slice(0, 2), [
      'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
      'spec.maxReplicas: Invalid value: 0: must be greater than 0',
    ]);
  });

  it('validates metrics', () => {
    const h = hpa({
      scaleTargetRef: target,
      maxReplicas: 3,
      metrics: [
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '-1Gi', averageUtilization: 50 } } },
        { type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
        { type: 'Bogus' },
      ],
    });
    assert.deepEqual(messages(hpaStrategy.validate(h, ctx)), [
      'spec.metrics[0].resource.target.averageValue: Invalid value: "-1Gi": must be positive',
      'spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization',
      'spec.metrics[1].pods: Required value: must populate information for the given metric source',
      'spec.metrics[2].type: Unsupported value: "Bogus": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
      'spec.metrics[2].type: Unsupported value: "Bogus": supported values: "ContainerResource", "External", "Object", "Pods", "Resource"',
    ]);
  });

  it('validates /status counters and keeps the spec', () => {
    const old = hpa({ scaleTargetRef: target, maxReplicas: 3 });
    const next = structuredClone(old);
    next.spec!.maxReplicas = 10;
    next.status = { currentReplicas: -1, desiredReplicas: 2 };
    hpaStatusStrategy.prepareForUpdate(next, old, ctx);
    assert.equal(next.spec?.maxReplicas, 3);
    assert.deepEqual(messages(hpaStatusStrategy.validateUpdate(next, old, ctx)), ['status.currentReplicas: Invalid value: -1: must be greater than or equal to 0']);
  });
});

describe('horizontalpodautoscalers table', () => {
  it('prints reference, targets and pod counts like kubectl', () => {
    const h = hpa({
      scaleTargetRef: target,
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '0.5Gi' } } },
        { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
      ],
    });
    h.status = { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45 } } }] };
    assert.equal(formatHPAMetrics(h), 'cpu: 45%/80%, memory: <unknown>/512Mi + 1 more...');
    assert.deepEqual(horizontalpodautoscalers.table!.cells(h, Date.parse('2024-01-01T03:00:00Z')), ['Deployment/web', 'cpu: 45%/80%, memory: <unknown>/512Mi + 1 more...', '1', 10, 2, '3h']);
    assert.equal(formatHPAMetrics(hpa({})), '<none>');
  });
});
