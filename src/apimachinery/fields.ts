// Field selectors (k8s.io/apimachinery/pkg/fields): "metadata.name=web,status.phase!=Running".
// Terms are ANDed; values escape '\', ',' and '=' with a backslash. Each resource supplies the
// flat map of field values it supports; a missing field compares as "".

import { StatusError } from './errors.js';
import { goQuote } from './field.js';
import type { ObjectMeta } from './meta.js';

export type FieldSet = Readonly<Record<string, string>>;

export interface FieldRequirement {
  readonly field: string;
  /** "==" is read as "=", as Kubernetes does. */
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** A bad field selector: a 400 BadRequest carrying Kubernetes' message. */
export class FieldSelectorError extends StatusError {
  constructor(message: string) {
    super(400, 'BadRequest', message);
    this.name = 'FieldSelectorError';
  }
}

export interface FieldSelector {
  /** Sorted by the term's text, as Kubernetes sorts them. */
  readonly requirements: readonly FieldRequirement[];
  matches(fields: FieldSet): boolean;
  isEmpty(): boolean;
  toString(): string;
  /** The value an `=` term requires for `field`, if any (used to narrow lists, e.g. by name). */
  requiresExactMatch(field: string): string | undefined;
  /** The distinct field names the selector uses, in order. */
  fields(): string[];
}

const escapes: Record<string, string> = { '\\': '\\\\', ',': '\\,', '=': '\\=' };

export const escapeFieldValue = (s: string): string => s.replace(/[\\,=]/g, (c) => escapes[c]!);

/** fields.UnescapeValue; throws FieldSelectorError for a bad escape or an unescaped ',' or '='. */
export const unescapeFieldValue = (s: string): string => {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v, which is its code point number.
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
};

const termToString = (r: FieldRequirement): string => `${r.field}${r.operator}${escapeFieldValue(r.value)}`;

class RequirementsFieldSelector implements FieldSelector {
  constructor(readonly requirements: readonly FieldRequirement[]) {}
  matches(fields: FieldSet): boolean {
    return this.requirements.every((r) => {
      const actual = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field] : '';
      return r.operator === '=' ? actual === r.value : actual !== r.value;
    });
  }
  isEmpty(): boolean {
    return this.requirements.length === 0;
  }
  toString(): string {
    return this.requirements.map(termToString).join(',');
  }
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }
  fields(): string[] {
    return [...new Set(this.requirements.map((r) => r.field))];
  }
}

export const everythingFields = (): FieldSelector => new RequirementsFieldSelector([]);

/** fields.SelectorFromSet: every field must equal its value. */
export const fieldSelectorFromSet = (set: FieldSet): FieldSelector =>
  new RequirementsFieldSelector(Object.entries(set).map(([f, value]) => ({ field: f, operator: '=' as const, value })));

/** Splits on commas that are not escaped. */
const splitTerms = (selector: string): string[] => {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
};

/** The first operator in the term, trying "!=", "==", "=" at each position. */
const splitTerm = (term: string): { lhs: string; op: string; rhs: string } | undefined => {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
};

/** fields.ParseSelector. Throws FieldSelectorError (400) with Kubernetes' message. */
export const parseFieldSelector = (selector: string): FieldSelector => {
  const parts = splitTerms(selector).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const term = splitTerm(part);
    if (!term) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    reqs.push({ field: term.lhs, operator: term.op === '!=' ? '!=' : '=', value: unescapeFieldValue(term.rhs) });
  }
  return new RequirementsFieldSelector(reqs);
};

export type FieldSelectorParseResult = { selector: FieldSelector; error?: undefined } | { selector?: undefined; error: string };

export const tryParseFieldSelector = (selector: string): FieldSelectorParseResult => {
  try {
    return { selector: parseFieldSelector(selector) };
  } catch (e) {
    if (e instanceof FieldSelectorError) return { error: e.message };
    throw e;
  }
};

/** The field labels every resource supports (runtime.DefaultMetaV1FieldSelectorConversion). */
export const DEFAULT_FIELD_LABELS: readonly string[] = ['metadata.name', 'metadata.namespace'];

/**
 * The apiserver's message for the first field (in the selector's sorted order) not in
 * `supported`, or undefined when all are supported. Resources with only the default labels get
 * `"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"`; those
 * with their own (pods, events, ...) get `field label not supported: spec.foo`.
 */
export const unsupportedFieldMessage = (selector: FieldSelector, supported: Iterable<string> = DEFAULT_FIELD_LABELS): string | undefined => {
  const allowed = new Set(supported);
  const bad = selector.requirements.find((r) => !allowed.has(r.field))?.field;
  if (bad === undefined) return undefined;
  const onlyDefaults = allowed.size === DEFAULT_FIELD_LABELS.length && DEFAULT_FIELD_LABELS.every((f) => allowed.has(f));
  return onlyDefaults
    ? `${goQuote(bad)} is not a known field selector: only "metadata.name", "metadata.namespace"`
    : `field label not supported: ${bad}`;
};

/** Throws FieldSelectorError (400) when the selector uses a field outside `supported`. */
export const checkFieldSelector = (selector: FieldSelector, supported: Iterable<string> = DEFAULT_FIELD_LABELS): void => {
  const message = unsupportedFieldMessage(selector, supported);
  if (message !== undefined) throw new FieldSelectorError(message);
};

/** generic.ObjectMetaFieldsSet: the field values every object has. */
export const objectMetaFieldsSet = (meta: ObjectMeta | undefined, namespaced: boolean): Record<string, string> =>
  namespaced
    ? { 'metadata.name': meta?.name ?? '', 'metadata.namespace': meta?.namespace ?? '' }
    : { 'metadata.name': meta?.name ?? '' };
