// autoscaling/v2 HorizontalPodAutoscalers: scale a workload between minReplicas and maxReplicas
// on metrics; the HPA controller reports through /status.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import type { LabelSelector } from '../../../../apimachinery/labels.js';
import { validateNonnegativeField } from '../../../../apimachinery/objectmeta.js';
import type { Strategy } from '../../generic/resource.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import type { Condition } from '../../apps/workload.js';
import { validateHPASpec } from './validation.js';

export interface CrossVersionObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
}

export interface MetricTarget {
  type?: string;
  value?: string;
  averageValue?: string;
  averageUtilization?: number;
}

export interface MetricIdentifier {
  name?: string;
  selector?: LabelSelector;
}

export interface MetricSpec {
  type?: string;
  object?: { describedObject?: CrossVersionObjectReference; metric?: MetricIdentifier; target?: MetricTarget };
  pods?: { metric?: MetricIdentifier; target?: MetricTarget };
  resource?: { name?: string; target?: MetricTarget };
  containerResource?: { name?: string; container?: string; target?: MetricTarget };
  external?: { metric?: MetricIdentifier; target?: MetricTarget };
}

export interface MetricValueStatus {
  value?: string;
  averageValue?: string;
  averageUtilization?: number;
}

export interface MetricStatus {
  type?: string;
  object?: { current?: MetricValueStatus };
  pods?: { current?: MetricValueStatus };
  resource?: { name?: string; current?: MetricValueStatus };
  containerResource?: { name?: string; container?: string; current?: MetricValueStatus };
  external?: { current?: MetricValueStatus };
}

export interface HPAScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: string;
  policies?: { type?: string; value?: number; periodSeconds?: number }[];
}

export interface HPASpec {
  scaleTargetRef?: CrossVersionObjectReference;
  minReplicas?: number;
  maxReplicas?: number;
  metrics?: MetricSpec[];
  behavior?: { scaleUp?: HPAScalingRules; scaleDown?: HPAScalingRules };
}

export interface HPAStatus {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas?: number;
  currentMetrics?: MetricStatus[];
  conditions?: Condition[];
}

export interface HorizontalPodAutoscaler extends KubeObject {
  spec?: HPASpec;
  status?: HPAStatus;
}

export const DEFAULT_CPU_UTILIZATION = 80;

const SCALE_UP_DEFAULTS: HPAScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
// The scale-down window stays unset: the controller's --horizontal-pod-autoscaler-downscale-stabilization decides.
const SCALE_DOWN_DEFAULTS: HPAScalingRules = { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

const fillRules = (rules: HPAScalingRules | undefined, defaults: HPAScalingRules): HPAScalingRules => {
  const out = structuredClone(defaults);
  if (rules?.selectPolicy !== undefined) out.selectPolicy = rules.selectPolicy;
  if (rules?.stabilizationWindowSeconds !== undefined) out.stabilizationWindowSeconds = rules.stabilizationWindowSeconds;
  if (rules?.policies !== undefined) out.policies = rules.policies;
  return { ...rules, ...out };
};

/** SetDefaults_HorizontalPodAutoscaler (autoscaling/v2). */
export function defaultHPA(hpa: HorizontalPodAutoscaler): void {
  const spec = (hpa.spec ??= {});
  spec.minReplicas ??= 1;
  if (!spec.metrics?.length) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (spec.behavior) {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, SCALE_UP_DEFAULTS);
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, SCALE_DOWN_DEFAULTS);
  }
}

function validateHPAStatus(hpa: HorizontalPodAutoscaler): ErrorList {
  const errs = new ErrorList();
  errs.add(validateNonnegativeField(hpa.status?.currentReplicas ?? 0, root('status', 'currentReplicas')));
  errs.add(validateNonnegativeField(hpa.status?.desiredReplicas ?? 0, root('status', 'desiredReplicas')));
  return errs;
}

const strategies = specStatusStrategy<HorizontalPodAutoscaler>({
  // Kubernetes does not track metadata.generation for HPAs.
  tracksGeneration: false,
  defaults: defaultHPA,
  validate: (hpa) => validateHPASpec(hpa.spec ?? {}, root('spec'), 1),
  validateStatusUpdate: validateHPAStatus,
});

export const hpaStrategy: Strategy<HorizontalPodAutoscaler> = {
  ...strategies.strategy,
  // An HPA already at minReplicas 0 (scale-to-zero) may keep it on update.
  validateUpdate: (hpa, old) => validateHPASpec(hpa.spec ?? {}, root('spec'), old.spec?.minReplicas === 0 ? 0 : 1),
};
export const hpaStatusStrategy = strategies.statusStrategy;
