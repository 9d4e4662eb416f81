// What Deployments, ReplicaSets, DaemonSets and StatefulSets share: a selector that must match
// the pod template's labels, a validated and defaulted pod template, replicas >= 0.
import { ErrorList, type FieldPath, root } from '../../../apimachinery/field.js';
import { type LabelSelector, labelSelectorAsSelector, validateLabelSelector } from '../../../apimachinery/labels.js';
import type { KubeObject, ObjectMeta } from '../../../apimachinery/meta.js';
import { isValidPercent } from '../../../apimachinery/names.js';
import { defaultPodSpec } from '../core/pods/podspec-defaults.js';
import { validatePodTemplateSpec } from '../core/pods/podspec-validation.js';

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: Record<string, unknown> & { restartPolicy?: string };
}

export interface WorkloadSpec {
  replicas?: number;
  selector?: LabelSelector;
  template?: PodTemplateSpec;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface Workload<S extends WorkloadSpec = WorkloadSpec, St = Record<string, unknown>> extends KubeObject {
  spec?: S;
  status?: St;
}

export function defaultTemplate(template: PodTemplateSpec | undefined): void {
  if (!template) return;
  template.spec ??= {};
  defaultPodSpec(template.spec);
}

export function validateNonNegative(value: unknown, path: FieldPath, errs: ErrorList): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value)) errs.invalid(path, value, 'must be an integer');
  else if (value < 0) errs.invalid(path, value, 'must be greater than or equal to 0');
}

/** An int-or-percent ("25%" or 1) as in maxSurge/maxUnavailable. */
export function validateIntOrPercent(value: unknown, path: FieldPath, errs: ErrorList): void {
  if (value === undefined) return;
  if (typeof value === 'string') {
    for (const msg of isValidPercent(value)) errs.invalid(path, value, msg);
    return;
  }
  validateNonNegative(value, path, errs);
}

/** Resolves an int-or-percent against a total, rounding up (surge) or down (unavailable). */
export function intOrPercent(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const percent = Number(value.replace('%', ''));
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Selector required and non-empty, matching the template's labels; template valid. */
export function validateWorkloadSpec(spec: WorkloadSpec | undefined, errs: ErrorList, opts: { requireRestartAlways?: boolean } = {}): void {
  const specPath = root('spec');
  if (!spec) {
    errs.required(specPath);
    return;
  }
  validateNonNegative(spec.replicas, specPath.child('replicas'), errs);
  validateNonNegative(spec.minReadySeconds, specPath.child('minReadySeconds'), errs);
  validateNonNegative(spec.revisionHistoryLimit, specPath.child('revisionHistoryLimit'), errs);
  const selectorPath = specPath.child('selector');
  if (!spec.selector) {
    errs.required(selectorPath);
  } else {
    errs.add(validateLabelSelector(spec.selector, selectorPath, {}));
    if (!spec.selector.matchLabels && !spec.selector.matchExpressions?.length) errs.invalid(selectorPath, spec.selector, 'empty selector is invalid for deployment');
  }
  const templatePath = specPath.child('template');
  if (!spec.template) {
    errs.required(templatePath);
    return;
  }
  const labels = spec.template.metadata?.labels ?? {};
  if (spec.selector && errs.isEmpty() && !labelSelectorAsSelector(spec.selector).matches(labels)) {
    errs.invalid(templatePath.child('metadata', 'labels'), labels, '`selector` does not match template `labels`');
  }
  errs.add(validatePodTemplateSpec(spec.template, templatePath));
  if (opts.requireRestartAlways) {
    const policy = spec.template.spec?.restartPolicy ?? 'Always';
    if (policy !== 'Always') errs.notSupported(templatePath.child('spec', 'restartPolicy'), policy, ['Always']);
  }
}

export function validateSelectorImmutable(spec: WorkloadSpec | undefined, old: WorkloadSpec | undefined): ErrorList {
  const errs = new ErrorList();
  if (JSON.stringify(spec?.selector ?? null) !== JSON.stringify(old?.selector ?? null)) {
    errs.invalid(root('spec', 'selector'), spec?.selector, 'field is immutable');
  }
  return errs;
}

export const statusCondition = (status: { conditions?: Condition[] } | undefined, type: string): Condition | undefined =>
  status?.conditions?.find((c) => c.type === type);

export const containerImages = (template: PodTemplateSpec | undefined): { names: string; images: string } => {
  const containers = ((template?.spec?.containers as { name?: string; image?: string }[] | undefined) ?? []);
  return { names: containers.map((c) => c.name ?? '').join(','), images: containers.map((c) => c.image ?? '').join(',') };
};
