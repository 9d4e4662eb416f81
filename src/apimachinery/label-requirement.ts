// Label selector requirements and selectors (k8s.io/apimachinery/pkg/labels selector.go):
// construction with Kubernetes' validation messages, matching and printing.
// Import from labels.ts, which also brings the parser and metav1.LabelSelector helpers.

import { StatusError } from './errors.js';
import { ErrorList, FieldPath, GoLiteral, field, root } from './field.js';
import { isQualifiedName, isValidLabelValue } from './names.js';

export type Labels = Readonly<Record<string, string>>;

/** selection.Operator values. */
export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

export interface Selector {
  readonly requirements: readonly Requirement[];
  matches(labels: Labels | undefined): boolean;
  /** True for the match-everything selector. */
  isEmpty(): boolean;
  /** True only for the selector from a nil metav1.LabelSelector, which matches nothing. */
  isNothing(): boolean;
  /** Kubernetes' String(): requirements sorted by key, in/notin values sorted. */
  toString(): string;
  /** The value `key` must equal for a match (=, == or a one-value in), if any. */
  requiresExactMatch(key: string): string | undefined;
  add(...reqs: Requirement[]): Selector;
}

/**
 * A selector that does not parse or validate; `message` is Kubernetes' text for it. It is a 400
 * BadRequest, which is what the apiserver answers for a bad `labelSelector` query parameter.
 */
export class SelectorError extends StatusError {
  constructor(message: string) {
    super(400, 'BadRequest', message);
    this.name = 'SelectorError';
  }
}

export const binaryOperators: readonly Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const allOperators: readonly Operator[] = [...binaryOperators, 'exists', '!'];

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64). */
const parseInt64 = (s: string): bigint | undefined => {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
};

const childOf = (path: FieldPath | undefined, name: string): FieldPath => (path ? path.child(name) : root(name));

export const labelKeyError = (key: string, path: FieldPath | undefined) => {
  const errs = isQualifiedName(key);
  return errs.length ? field.invalid(path, key, errs.join('; ')) : undefined;
};

/** Field errors of labels.NewRequirement; empty when the requirement is valid. */
export const requirementErrors = (key: string, op: string, values: readonly string[], path?: FieldPath, valuesAreNil = false): ErrorList => {
  const errs = new ErrorList();
  const keyErr = labelKeyError(key, childOf(path, 'key'));
  if (keyErr) errs.add(keyErr);
  const valuePath = childOf(path, 'values');
  const shown = valuesAreNil && values.length === 0 ? new GoLiteral('[]string(nil)') : values;
  switch (op) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.invalid(valuePath, shown, "for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.invalid(valuePath, shown, 'exact-match compatibility requires one single value');
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.invalid(valuePath, shown, 'values set must be empty for exists and does not exist');
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.invalid(valuePath, shown, "for 'Gt', 'Lt' operators, exactly one value is required");
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.invalid(valuePath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer");
      });
      break;
    default:
      errs.notSupported(childOf(path, 'operator'), op, allOperators);
  }
  values.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length) errs.invalid(valuePath.index(i).key(key), v, msgs.join('; '));
  });
  return errs;
};

/** labels.NewRequirement: throws SelectorError with the aggregate message when invalid. */
export const newRequirement = (key: string, op: Operator, values: readonly string[] = []): Requirement => {
  const errs = requirementErrors(key, op, values);
  if (!errs.isEmpty()) throw new SelectorError(errs.aggregate()!);
  return { key, operator: op, values: [...values] };
};

export const requirementMatches = (r: Requirement, labels: Labels | undefined): boolean => {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key]! : undefined;
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && r.values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (value === undefined || r.values.length !== 1) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(r.values[0]!);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === 'gt' ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
};

const opText: Record<Operator, string> = {
  '=': '=',
  '==': '==',
  '!=': '!=',
  in: ' in ',
  notin: ' notin ',
  gt: '>',
  lt: '<',
  exists: '',
  '!': '',
};

export const requirementToString = (r: Requirement): string => {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const values = r.values.length === 1 ? r.values[0]! : [...r.values].sort().join(',');
  const body = r.operator === 'in' || r.operator === 'notin' ? `(${values})` : values;
  return `${r.key}${opText[r.operator]}${body}`;
};

const byKey = (reqs: readonly Requirement[]): Requirement[] => [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

class RequirementsSelector implements Selector {
  readonly requirements: readonly Requirement[];
  constructor(reqs: readonly Requirement[]) {
    this.requirements = byKey(reqs);
  }
  matches(labels: Labels | undefined): boolean {
    return this.requirements.every((r) => requirementMatches(r, labels));
  }
  isEmpty(): boolean {
    return this.requirements.length === 0;
  }
  isNothing(): boolean {
    return false;
  }
  toString(): string {
    return this.requirements.map(requirementToString).join(',');
  }
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((x) => x.key === key);
    if (!r || !['=', '==', 'in'].includes(r.operator) || r.values.length !== 1) return undefined;
    return r.values[0];
  }
  add(...reqs: Requirement[]): Selector {
    return new RequirementsSelector([...this.requirements, ...reqs]);
  }
}

const NOTHING: Selector = {
  requirements: [],
  matches: () => false,
  isEmpty: () => false,
  isNothing: () => true,
  toString: () => '',
  requiresExactMatch: () => undefined,
  add: () => NOTHING,
};

export const everything = (): Selector => new RequirementsSelector([]);
export const nothing = (): Selector => NOTHING;
export const selectorFromRequirements = (reqs: readonly Requirement[]): Selector => new RequirementsSelector(reqs);

/** labels.SelectorFromSet: every key must equal its value. Not validated. */
export const selectorFromSet = (set: Labels | undefined): Selector =>
  new RequirementsSelector(Object.entries(set ?? {}).map(([key, value]) => ({ key, operator: '=' as const, values: [value] })));

/** labels.ValidatedSelectorFromSet: as selectorFromSet, throwing SelectorError on a bad key or value. */
export const validatedSelectorFromSet = (set: Labels | undefined): Selector =>
  new RequirementsSelector(Object.entries(set ?? {}).map(([key, value]) => newRequirement(key, '=', [value])));

/** labels.Set.String(): "a=b,c=d" in key order. */
export const formatLabels = (set: Labels | undefined): string =>
  Object.keys(set ?? {})
    .sort()
    .map((k) => `${k}=${set![k]}`)
    .join(',');
