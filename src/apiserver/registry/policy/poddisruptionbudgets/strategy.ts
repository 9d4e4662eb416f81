// policy/v1 PodDisruptionBudgets: how many selected pods voluntary disruptions (evictions) must
// leave available; the disruption controller writes the allowance through /status.
import { ErrorList, type FieldPath, root } from '../../../../apimachinery/field.js';
import { type LabelSelector, validateLabelSelector } from '../../../../apimachinery/labels.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { isValidPercent } from '../../../../apimachinery/names.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import { type Condition, validateNonNegative } from '../../apps/workload.js';

export interface PodDisruptionBudgetSpec {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  selector?: LabelSelector;
  unhealthyPodEvictionPolicy?: string;
}

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  conditions?: Condition[];
}

export interface PodDisruptionBudget extends KubeObject {
  spec?: PodDisruptionBudgetSpec;
  status?: PodDisruptionBudgetStatus;
}

const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent. */
function validateIntOrPercent(value: number | string, path: FieldPath, errs: ErrorList): void {
  if (typeof value === 'string') {
    for (const msg of isValidPercent(value)) errs.invalid(path, value, msg);
    const percent = /^([0-9]+)%$/.exec(value);
    if (percent && Number(percent[1]) > 100) errs.invalid(path, value, 'must not be greater than 100%');
  } else if (typeof value === 'number') {
    validateNonNegative(value, path, errs);
  } else {
    errs.invalid(path, value, "must be an integer or percentage (e.g '5%')");
  }
}

export function validatePDB(pdb: PodDisruptionBudget): ErrorList {
  const errs = new ErrorList();
  const spec = pdb.spec ?? {};
  const path = root('spec');
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.invalid(path, spec, 'minAvailable and maxUnavailable cannot be both set');
  }
  if (spec.minAvailable !== undefined) validateIntOrPercent(spec.minAvailable, path.child('minAvailable'), errs);
  if (spec.maxUnavailable !== undefined) validateIntOrPercent(spec.maxUnavailable, path.child('maxUnavailable'), errs);
  errs.add(validateLabelSelector(spec.selector, path.child('selector')));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && !EVICTION_POLICIES.includes(policy)) errs.notSupported(path.child('unhealthyPodEvictionPolicy'), policy, EVICTION_POLICIES);
  return errs;
}

export function validatePDBStatus(pdb: PodDisruptionBudget): ErrorList {
  const errs = new ErrorList();
  const status = pdb.status ?? {};
  for (const key of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const) {
    validateNonNegative(status[key] ?? 0, root('status', key), errs);
  }
  (status.conditions ?? []).forEach((c, i) => {
    const p = root('status', 'conditions').index(i);
    if (!c.type) errs.required(p.child('type'), 'must be set');
    if (!['True', 'False', 'Unknown'].includes(c.status)) errs.notSupported(p.child('status'), c.status ?? '', ['False', 'True', 'Unknown']);
  });
  return errs;
}

const strategies = specStatusStrategy<PodDisruptionBudget>({
  validate: validatePDB,
  validateStatusUpdate: validatePDBStatus,
});

export const pdbStrategy = strategies.strategy;
export const pdbStatusStrategy = strategies.statusStrategy;
