// HorizontalPodAutoscaler spec validation (pkg/apis/autoscaling/validation).
import { ErrorList, type FieldPath } from '../../../../apimachinery/field.js';
import { isDNS1123Label, isValidPathSegmentName } from '../../../../apimachinery/names.js';
import { quantityError, tryParseQuantity } from '../../../../apimachinery/quantity.js';
import type { CrossVersionObjectReference, HPAScalingRules, HPASpec, MetricIdentifier, MetricSpec, MetricTarget } from './strategy.js';

const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const POLICY_TYPES = ['Percent', 'Pods'];
const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SOURCE_FIELD: Record<string, keyof MetricSpec> = {
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
  ContainerResource: 'containerResource',
  External: 'external',
};
const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

export function validateCrossVersionObjectReference(ref: CrossVersionObjectReference | undefined, path: FieldPath, errs: ErrorList): void {
  for (const key of ['kind', 'name'] as const) {
    const value = ref?.[key] ?? '';
    if (!value) errs.required(path.child(key));
    else for (const msg of isValidPathSegmentName(value)) errs.invalid(path.child(key), value, msg);
  }
}

function validateTarget(t: MetricTarget | undefined, path: FieldPath, errs: ErrorList): void {
  const type = t?.type ?? '';
  if (!type) errs.required(path.child('type'), 'must specify a metric target type');
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') errs.invalid(path.child('type'), type, 'must be either Utilization, Value, or AverageValue');
  for (const key of ['value', 'averageValue'] as const) {
    const text = t?.[key];
    if (text === undefined) continue;
    const q = tryParseQuantity(String(text));
    if (!q) errs.invalid(path.child(key), text, quantityError(String(text)) ?? 'invalid quantity');
    else if (q.sign() !== 1) errs.invalid(path.child(key), text, 'must be positive');
  }
  if (t?.averageUtilization !== undefined && t.averageUtilization < 1) errs.invalid(path.child('averageUtilization'), t.averageUtilization, 'must be greater than 0');
}

function validateIdentifier(id: MetricIdentifier | undefined, path: FieldPath, errs: ErrorList): void {
  const name = id?.name ?? '';
  if (!name) errs.required(path.child('name'), 'must specify a metric name');
  else for (const msg of isValidPathSegmentName(name)) errs.invalid(path.child('name'), name, msg);
}

function validateSource(spec: MetricSpec, field: keyof MetricSpec, path: FieldPath, errs: ErrorList): void {
  const p = path.child(field);
  const target = (spec[field] as { target?: MetricTarget } | undefined)?.target;
  switch (field) {
    case 'object':
      validateCrossVersionObjectReference(spec.object?.describedObject, p.child('describedObject'), errs);
      validateIdentifier(spec.object?.metric, p.child('metric'), errs);
      validateTarget(target, p.child('target'), errs);
      if (target?.value === undefined && target?.averageValue === undefined) errs.required(p.child('target', 'averageValue'), 'must set either a target value or averageValue');
      return;
    case 'external':
      validateIdentifier(spec.external?.metric, p.child('metric'), errs);
      validateTarget(target, p.child('target'), errs);
      if (target?.value === undefined && target?.averageValue === undefined) {
        errs.required(p.child('target', 'averageValue'), 'must set either a target value for metric or a per-pod target');
      }
      if (target?.value !== undefined && target.averageValue !== undefined) {
        errs.forbidden(p.child('target', 'value'), 'may not set both a target value for metric and a per-pod target');
      }
      return;
    case 'pods':
      validateIdentifier(spec.pods?.metric, p.child('metric'), errs);
      validateTarget(target, p.child('target'), errs);
      if (target?.averageValue === undefined) errs.required(p.child('target', 'averageValue'), 'must specify a positive target averageValue');
      return;
    default: {
      const src = field === 'resource' ? spec.resource : spec.containerResource;
      const name = src?.name ?? '';
      if (!name) errs.required(p.child('name'), 'must specify a resource name');
      else if (field === 'containerResource' && !name.includes('/') && !STANDARD_CONTAINER_RESOURCES.includes(name) && !name.startsWith('hugepages-')) {
        errs.invalid(p.child('name'), name, 'must be a standard resource for containers');
      }
      if (field === 'containerResource') {
        const container = spec.containerResource?.container ?? '';
        if (!container) errs.required(p.child('container'), 'must specify a container');
        else for (const msg of isDNS1123Label(container)) errs.invalid(p.child('container'), container, msg);
      }
      validateTarget(target, p.child('target'), errs);
      if (target?.averageUtilization === undefined && target?.averageValue === undefined) {
        errs.required(p.child('target', 'averageUtilization'), 'must set either a target raw value or a target utilization');
      }
      if (target?.averageUtilization !== undefined && target.averageValue !== undefined) {
        errs.forbidden(p.child('target', 'averageValue'), 'may not set both a target raw value and a target utilization');
      }
    }
  }
}

export function validateMetricSpec(spec: MetricSpec, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  const type = spec.type ?? '';
  if (!type) errs.required(path.child('type'), 'must specify a metric source type');
  if (!METRIC_SOURCE_TYPES.includes(type)) errs.notSupported(path.child('type'), type, METRIC_SOURCE_TYPES);
  // Kubernetes validates the first source present, in this order.
  const present = (['object', 'external', 'pods', 'resource', 'containerResource'] as const).filter((f) => spec[f] !== undefined);
  if (present.length) validateSource(spec, present[0]!, path, errs);
  const expected = SOURCE_FIELD[type];
  if (expected && spec[expected] === undefined) errs.required(path.child(expected), 'must populate information for the given metric source');
  if (!expected) errs.notSupported(path.child('type'), type, METRIC_SOURCE_TYPES);
  if (present.length !== 1) {
    for (const f of present) if (f !== expected) errs.forbidden(path.child(f), 'must populate the given metric source only');
  }
  return errs;
}

function validateScalingRules(rules: HPAScalingRules | undefined, path: FieldPath, errs: ErrorList): void {
  if (!rules) return;
  const window = rules.stabilizationWindowSeconds;
  if (window !== undefined && window < 0) errs.invalid(path.child('stabilizationWindowSeconds'), window, 'must be greater than or equal to zero');
  if (window !== undefined && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.invalid(path.child('stabilizationWindowSeconds'), window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`);
  }
  if (rules.selectPolicy !== undefined && !SELECT_POLICIES.includes(rules.selectPolicy)) errs.notSupported(path.child('selectPolicy'), rules.selectPolicy, SELECT_POLICIES);
  const policies = rules.policies ?? [];
  if (policies.length === 0) errs.required(path.child('policies'), 'must specify at least one Policy');
  policies.forEach((policy, i) => {
    const p = path.child('policies').index(i);
    if (!POLICY_TYPES.includes(policy.type ?? '')) errs.notSupported(p.child('type'), policy.type ?? '', POLICY_TYPES);
    if ((policy.value ?? 0) <= 0) errs.invalid(p.child('value'), policy.value ?? 0, 'must be greater than zero');
    const period = policy.periodSeconds ?? 0;
    if (period <= 0) errs.invalid(p.child('periodSeconds'), period, 'must be greater than zero');
    if (period > MAX_PERIOD_SECONDS) errs.invalid(p.child('periodSeconds'), period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`);
  });
}

/** validateHorizontalPodAutoscalerSpec; minReplicas may be 0 only when the HPA already had 0. */
export function validateHPASpec(spec: HPASpec, path: FieldPath, minReplicasLowerBound: number): ErrorList {
  const errs = new ErrorList();
  const min = spec.minReplicas;
  const max = spec.maxReplicas ?? 0;
  if (min !== undefined && min < minReplicasLowerBound) errs.invalid(path.child('minReplicas'), min, `must be greater than or equal to ${minReplicasLowerBound}`);
  if (max < 1) errs.invalid(path.child('maxReplicas'), max, 'must be greater than 0');
  if (min !== undefined && max < min) errs.invalid(path.child('maxReplicas'), max, 'must be greater than or equal to `minReplicas`');
  validateCrossVersionObjectReference(spec.scaleTargetRef, path.child('scaleTargetRef'), errs);
  const metrics = spec.metrics ?? [];
  metrics.forEach((m, i) => errs.add(validateMetricSpec(m, path.child('metrics').index(i))));
  if (min === 0 && !metrics.some((m) => m.type === 'Object' || m.type === 'External')) {
    errs.forbidden(path.child('metrics'), 'must specify at least one Object or External metric to support scaling to zero replicas');
  }
  validateScalingRules(spec.behavior?.scaleUp, path.child('behavior', 'scaleUp'), errs);
  validateScalingRules(spec.behavior?.scaleDown, path.child('behavior', 'scaleDown'), errs);
  return errs;
}
