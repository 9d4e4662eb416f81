// Job spec.podFailurePolicy and spec.successPolicy validation, and the index-list format
// ("1,3-5") of succeededIndexes and status.completedIndexes, as pkg/apis/batch/validation.
import { ErrorList, type FieldPath, GoLiteral } from '../../../../apimachinery/field.js';
import { isQualifiedName } from '../../../../apimachinery/names.js';
import { validateNonNegative } from '../../apps/workload.js';
import { invalidOmitValue } from '../field-helpers.js';
import type { JobSpec, PodFailurePolicyRule } from './strategy.js';

const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_ON_EXIT_CODES_VALUES = 255;
const MAX_ON_POD_CONDITIONS_PATTERNS = 20;
const MAX_SUCCESS_POLICY_RULES = 20;
const MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024;

const ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const OPERATORS = ['In', 'NotIn'];
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];

/** Go's %q of a []string: ["a" "b"]. */
const quotedList = (values: string[]): string => `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;


function validateRule(spec: JobSpec, rule: PodFailurePolicyRule, path: FieldPath, containerNames: Set<string>, errs: ErrorList): void {
  const actionPath = path.child('action');
  if (!rule.action) errs.required(actionPath, `valid values: ${quotedList(ACTIONS)}`);
  else if (rule.action === 'FailIndex') {
    if (spec.backoffLimitPerIndex === undefined) errs.invalid(actionPath, rule.action, 'requires the backoffLimitPerIndex to be set');
  } else if (!ACTIONS.includes(rule.action)) errs.notSupported(actionPath, rule.action, ACTIONS);

  const onExitCodes = rule.onExitCodes;
  if (onExitCodes) {
    const exitPath = path.child('onExitCodes');
    const opPath = exitPath.child('operator');
    if (!onExitCodes.operator) errs.required(opPath, `valid values: ${quotedList(OPERATORS)}`);
    else if (!OPERATORS.includes(onExitCodes.operator)) errs.notSupported(opPath, onExitCodes.operator, OPERATORS);
    if (onExitCodes.containerName !== undefined && !containerNames.has(onExitCodes.containerName)) {
      errs.invalid(exitPath.child('containerName'), onExitCodes.containerName, 'must be one of the container or initContainer names in the pod template');
    }
    const values = onExitCodes.values ?? [];
    const valuesPath = exitPath.child('values');
    const goValues = new GoLiteral(onExitCodes.values === undefined ? '[]int32(nil)' : `[]int32{${values.join(', ')}}`);
    if (values.length === 0) errs.invalid(valuesPath, goValues, 'at least one value is required');
    else if (values.length > MAX_ON_EXIT_CODES_VALUES) errs.tooMany(valuesPath, values.length, MAX_ON_EXIT_CODES_VALUES);
    const seen = new Set<number>();
    let ordered = true;
    values.forEach((v, j) => {
      if (onExitCodes.operator === 'In' && v === 0) errs.invalid(valuesPath.index(j), v, 'must not be 0 for the In operator');
      if (seen.has(v)) errs.duplicate(valuesPath.index(j), v);
      else seen.add(v);
      if (j > 0 && values[j - 1]! > v) ordered = false;
    });
    if (!ordered) errs.invalid(valuesPath, goValues, 'must be ordered');
  }
  const patterns = rule.onPodConditions ?? [];
  if (patterns.length > 0) {
    const condPath = path.child('onPodConditions');
    if (patterns.length > MAX_ON_POD_CONDITIONS_PATTERNS) errs.tooMany(condPath, patterns.length, MAX_ON_POD_CONDITIONS_PATTERNS);
    patterns.forEach((p, j) => {
      for (const msg of isQualifiedName(p.type ?? '')) errs.invalid(condPath.index(j).child('type'), p.type ?? '', msg);
      const statusPath = condPath.index(j).child('status');
      if (!p.status) errs.required(statusPath, `valid values: ${quotedList(CONDITION_STATUSES)}`);
      else if (!CONDITION_STATUSES.includes(p.status)) errs.notSupported(statusPath, p.status, CONDITION_STATUSES);
    });
  }
  if (onExitCodes && patterns.length > 0) errs.add(invalidOmitValue(path, 'specifying both OnExitCodes and OnPodConditions is not supported'));
  if (!onExitCodes && patterns.length === 0) errs.add(invalidOmitValue(path, 'specifying one of OnExitCodes and OnPodConditions is required'));
}

export function validatePodFailurePolicy(spec: JobSpec, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  const rules = spec.podFailurePolicy?.rules ?? [];
  const rulesPath = path.child('rules');
  if (rules.length > MAX_POD_FAILURE_POLICY_RULES) errs.tooMany(rulesPath, rules.length, MAX_POD_FAILURE_POLICY_RULES);
  const podSpec = spec.template?.spec as { containers?: { name?: string }[]; initContainers?: { name?: string }[] } | undefined;
  const names = new Set([...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])].map((c) => c.name ?? ''));
  rules.forEach((rule, i) => validateRule(spec, rule, rulesPath.index(i), names, errs));
  return errs;
}

/** parseIndexInterval/validateIndexesFormat: "0,2-4" with indexes below completions, increasing. Returns the count. */
export function parseIndexes(text: string, completions: number): number {
  if (text.length === 0) return 0;
  let last: number | undefined;
  let total = 0;
  for (const interval of text.split(',')) {
    const limits = interval.split('-');
    if (limits.length > 2) throw new Error(`the fragment ${JSON.stringify(interval)} violates the requirement that an index interval can have at most two parts separated by '-'`);
    const parse = (s: string): number => {
      if (!/^[+-]?[0-9]+$/.test(s)) throw new Error(`cannot convert string to integer for index: ${JSON.stringify(s)}`);
      const n = Number(s);
      if (n >= completions) throw new Error(`too large index: ${JSON.stringify(s)}`);
      return n;
    };
    const x = parse(limits[0]!);
    const y = limits.length > 1 ? parse(limits[1]!) : x;
    if (limits.length > 1 && x >= y) throw new Error(`non-increasing order, previous: ${x}, current: ${y}`);
    if (last !== undefined && last >= x) throw new Error(`non-increasing order, previous: ${last}, current: ${x}`);
    total += y - x + 1;
    last = y;
  }
  return total;
}

export function validateSuccessPolicy(spec: JobSpec, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  const rules = spec.successPolicy?.rules ?? [];
  const rulesPath = path.child('rules');
  if (rules.length === 0) errs.required(rulesPath, 'at least one rules must be specified when the successPolicy is specified');
  if (rules.length > MAX_SUCCESS_POLICY_RULES) errs.tooMany(rulesPath, rules.length, MAX_SUCCESS_POLICY_RULES);
  const completions = spec.completions ?? 0;
  rules.forEach((rule, i) => {
    const rulePath = rulesPath.index(i);
    if (rule.succeededCount === undefined && rule.succeededIndexes === undefined) {
      errs.required(rulePath, 'at least one of succeededCount or succeededIndexes must be specified');
    }
    let totalIndexes = 0;
    if (rule.succeededIndexes !== undefined) {
      const p = rulePath.child('succeededIndexes');
      if (rule.succeededIndexes.length > MAX_SUCCEEDED_INDEXES_LENGTH) errs.tooLong(p, MAX_SUCCEEDED_INDEXES_LENGTH);
      try {
        totalIndexes = parseIndexes(rule.succeededIndexes, completions);
      } catch (e) {
        errs.invalid(p, rule.succeededIndexes, `error parsing succeededIndexes: ${(e as Error).message}`);
      }
    }
    if (rule.succeededCount !== undefined) {
      const p = rulePath.child('succeededCount');
      validateNonNegative(rule.succeededCount, p, errs);
      if (rule.succeededCount > completions) {
        errs.invalid(p, rule.succeededCount, `must be less than or equal to ${completions} (the number of specified completions)`);
      }
      if (rule.succeededIndexes !== undefined && rule.succeededCount > totalIndexes) {
        errs.invalid(p, rule.succeededCount, `must be less than or equal to ${totalIndexes} (the number of indexes in the specified succeededIndexes field)`);
      }
    }
  });
  return errs;
}
