// metav1.LabelSelector (matchLabels + matchExpressions): conversion to a Selector, printing and
// validation, as k8s.io/apimachinery/pkg/apis/meta/v1 helpers.go and validation/validation.go.

import { ErrorList, FieldPath, field, goQuote } from './field.js';
import { type Labels, type Operator, type Requirement, type Selector, SelectorError, everything, nothing, requirementErrors, selectorFromRequirements } from './label-requirement.js';
import { isQualifiedName, isValidLabelValue } from './names.js';

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator | (string & {});
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

const operatorFor: Record<LabelSelectorOperator, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

const checked = (key: string, op: Operator, values: readonly string[] | undefined): Requirement => {
  const errs = requirementErrors(key, op, values ?? [], undefined, values === undefined || values.length === 0);
  if (!errs.isEmpty()) throw new SelectorError(errs.aggregate()!);
  return { key, operator: op, values: [...(values ?? [])] };
};

/**
 * metav1.LabelSelectorAsSelector. A missing selector (undefined/null) matches nothing; an empty
 * one ({}) matches everything. Throws SelectorError for invalid keys, values or operators.
 */
export const labelSelectorAsSelector = (ls: LabelSelector | undefined | null): Selector => {
  if (ls === undefined || ls === null) return nothing();
  const matchLabels = Object.entries(ls.matchLabels ?? {});
  const exprs = ls.matchExpressions ?? [];
  if (matchLabels.length + exprs.length === 0) return everything();
  const reqs: Requirement[] = matchLabels.map(([k, v]) => checked(k, '=', [v]));
  for (const expr of exprs) {
    const op = Object.prototype.hasOwnProperty.call(operatorFor, expr.operator) ? operatorFor[expr.operator as LabelSelectorOperator] : undefined;
    if (!op) throw new SelectorError(`${goQuote(expr.operator)} is not a valid label selector operator`);
    reqs.push(checked(expr.key, op, expr.values));
  }
  return selectorFromRequirements(reqs);
};

/** The selector as a `labelSelector=` query string; "" for both everything and nothing. Throws when invalid. */
export const labelSelectorToString = (ls: LabelSelector | undefined | null): string => labelSelectorAsSelector(ls).toString();

/** metav1.FormatLabelSelector, as kubectl describe prints it: "<none>" when empty, "<error>" when invalid. */
export const formatLabelSelector = (ls: LabelSelector | undefined | null): string => {
  let s: string;
  try {
    s = labelSelectorAsSelector(ls).toString();
  } catch {
    return '<error>';
  }
  return s === '' ? '<none>' : s;
};

/** True when `labels` match the selector; a missing selector matches nothing. Throws when invalid. */
export const labelSelectorMatches = (ls: LabelSelector | undefined | null, labels: Labels | undefined): boolean =>
  labelSelectorAsSelector(ls).matches(labels);

/** metav1.LabelSelectorAsMap: only matchLabels and single-value In can be expressed as a map. */
export const labelSelectorAsMap = (ls: LabelSelector | undefined | null): Record<string, string> | undefined => {
  if (!ls) return undefined;
  const out: Record<string, string> = { ...(ls.matchLabels ?? {}) };
  for (const expr of ls.matchExpressions ?? []) {
    const op = goQuote(expr.operator);
    if (expr.operator === 'In') {
      if (expr.values?.length !== 1) throw new SelectorError(`operator ${op} without a single value cannot be converted into the old label selector format`);
      out[expr.key] = expr.values[0]!;
    } else if (expr.operator === 'NotIn' || expr.operator === 'Exists' || expr.operator === 'DoesNotExist') {
      throw new SelectorError(`operator ${op} cannot be converted into the old label selector format`);
    } else {
      throw new SelectorError(`${op} is not a valid selector operator`);
    }
  }
  return out;
};

/** metav1 ValidateLabelName: the key must be a qualified name. */
export const validateLabelName = (name: string, path: FieldPath): ErrorList =>
  new ErrorList(isQualifiedName(name).map((msg) => field.invalid(path, name, msg)));

/** metav1 ValidateLabels: keys are qualified names, values valid label values; errors are on `path` itself. */
export const validateLabels = (labels: Labels | undefined, path: FieldPath): ErrorList => {
  const errs = new ErrorList();
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.add(validateLabelName(k, path));
    for (const msg of isValidLabelValue(v)) errs.invalid(path, v, msg);
  }
  return errs;
};

export interface LabelSelectorValidationOptions {
  allowInvalidLabelValueInSelector?: boolean;
  allowUnknownOperatorInRequirement?: boolean;
}

export const validateLabelSelectorRequirement = (
  req: LabelSelectorRequirement,
  path: FieldPath,
  opts: LabelSelectorValidationOptions = {},
): ErrorList => {
  const errs = new ErrorList();
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'");
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
      break;
    default:
      if (!opts.allowUnknownOperatorInRequirement) errs.invalid(path.child('operator'), req.operator, 'not a valid selector operator');
  }
  errs.add(validateLabelName(req.key, path.child('key')));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => {
      for (const msg of isValidLabelValue(v)) errs.invalid(path.child('values').index(i), v, msg);
    });
  }
  return errs;
};

/** metav1 ValidateLabelSelector, e.g. for `spec.selector`. */
export const validateLabelSelector = (
  ls: LabelSelector | undefined | null,
  path: FieldPath,
  opts: LabelSelectorValidationOptions = {},
): ErrorList => {
  const errs = new ErrorList();
  if (!ls) return errs;
  errs.add(validateLabels(ls.matchLabels, path.child('matchLabels')));
  (ls.matchExpressions ?? []).forEach((expr, i) => errs.add(validateLabelSelectorRequirement(expr, path.child('matchExpressions').index(i), opts)));
  return errs;
};
