// Field-level validation errors in the shape of k8s.io/apimachinery/pkg/util/validation/field.
// Validators return an ErrorList (never throw); the registry turns a non-empty list into a 422
// with `list.toStatusError(kind, group, name)`, whose message and causes match the real apiserver.

import { invalid as invalidStatus, type StatusCause, type StatusError } from './errors.js';

/** A path to a field, printed like Kubernetes: `spec.containers[0].image`, `metadata.labels[app]`. */
export class FieldPath {
  private constructor(
    private readonly parent: FieldPath | undefined,
    private readonly name: string,
    private readonly subscript: string,
  ) {}

  static root(name: string, ...more: string[]): FieldPath {
    let path = new FieldPath(undefined, name, '');
    for (const n of more) path = new FieldPath(path, n, '');
    return path;
  }

  child(name: string, ...more: string[]): FieldPath {
    let path = new FieldPath(this, name, '');
    for (const n of more) path = new FieldPath(path, n, '');
    return path;
  }

  index(i: number): FieldPath {
    return new FieldPath(this, '', String(i));
  }

  key(k: string): FieldPath {
    return new FieldPath(this, '', k);
  }

  toString(): string {
    const parts: string[] = [];
    for (let p: FieldPath | undefined = this; p; p = p.parent) {
      if (p.name) parts.push(p.parent ? `.${p.name}` : p.name);
      else parts.push(`[${p.subscript}]`);
    }
    return parts.reverse().join('');
  }
}

export const root = (name: string, ...more: string[]): FieldPath => FieldPath.root(name, ...more);

/** Go's nil *field.Path prints as "<nil>"; the label selector parser reports key errors that way. */
const pathString = (path: FieldPath | undefined): string => (path ? path.toString() : '<nil>');

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** A bad value printed verbatim, for Go-specific renderings such as `[]string(nil)`. */
export class GoLiteral {
  constructor(readonly text: string) {}
}

const OMIT = new GoLiteral('');

/** strconv.Quote: Go's double-quoted string with Go escapes. */
export const goQuote = (s: string): string => {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if ((c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029 || c === 0xfeff) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
};

/** How field.Error prints a bad value: %q for strings, %v for numbers/bools, %#v for string slices. */
export const formatBadValue = (value: unknown): string => {
  if (value instanceof GoLiteral) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    return `[]string{${value.map((v: string) => goQuote(v)).join(', ')}}`;
  }
  // Go would print a struct with %#v; JSON is the readable equivalent for objects.
  return JSON.stringify(value);
};

export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** The message without the field name (StatusCause.message). */
  body(): string {
    let s = typeText[this.type];
    const valueless =
      this.type === 'FieldValueRequired' ||
      this.type === 'FieldValueForbidden' ||
      this.type === 'FieldValueTooLong' ||
      this.type === 'InternalError' ||
      this.badValue === OMIT;
    if (!valueless) s += `: ${formatBadValue(this.badValue)}`;
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }

  get message(): string {
    return `${this.field}: ${this.body()}`;
  }

  toString(): string {
    return this.message;
  }
}

/** Constructors mirroring field.Required, field.Invalid, ... */
export const field = {
  required: (path: FieldPath | undefined, detail = ''): FieldError => new FieldError('FieldValueRequired', pathString(path), '', detail),
  invalid: (path: FieldPath | undefined, value: unknown, detail: string): FieldError =>
    new FieldError('FieldValueInvalid', pathString(path), value, detail),
  notSupported: (path: FieldPath | undefined, value: unknown, validValues: readonly string[]): FieldError =>
    new FieldError(
      'FieldValueNotSupported',
      pathString(path),
      value,
      validValues.length ? `supported values: ${validValues.map(goQuote).join(', ')}` : '',
    ),
  duplicate: (path: FieldPath | undefined, value: unknown): FieldError => new FieldError('FieldValueDuplicate', pathString(path), value, ''),
  forbidden: (path: FieldPath | undefined, detail: string): FieldError => new FieldError('FieldValueForbidden', pathString(path), '', detail),
  /** A negative maxLength prints "value is too long". The value itself is never shown. */
  tooLong: (path: FieldPath | undefined, maxLength: number): FieldError =>
    new FieldError(
      'FieldValueTooLong',
      pathString(path),
      '<value omitted>',
      maxLength >= 0 ? `may not be more than ${maxLength} bytes` : 'value is too long',
    ),
  /** A negative actual leaves the count out of the message; a negative max prints "has too many items". */
  tooMany: (path: FieldPath | undefined, actual: number, max: number): FieldError =>
    new FieldError(
      'FieldValueTooMany',
      pathString(path),
      actual >= 0 ? actual : OMIT,
      max >= 0 ? `must have at most ${max} items` : 'has too many items',
    ),
  notFound: (path: FieldPath | undefined, value: unknown): FieldError => new FieldError('FieldValueNotFound', pathString(path), value, ''),
  typeInvalid: (path: FieldPath | undefined, value: unknown, detail: string): FieldError =>
    new FieldError('FieldValueTypeInvalid', pathString(path), value, detail),
  internal: (path: FieldPath | undefined, err: Error | string): FieldError =>
    new FieldError('InternalError', pathString(path), null, typeof err === 'string' ? err : err.message),
};

/** utilerrors.Aggregate's message: one error alone, several as "[a, b]", duplicates dropped. */
export const aggregateMessage = (messages: readonly string[]): string => {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
};

/** field.ErrorList with chainable constructors. */
export class ErrorList implements Iterable<FieldError> {
  readonly items: FieldError[] = [];

  constructor(items: Iterable<FieldError> = []) {
    for (const e of items) this.items.push(e);
  }

  add(...errs: (FieldError | Iterable<FieldError>)[]): this {
    for (const e of errs) {
      if (e instanceof FieldError) this.items.push(e);
      else for (const inner of e) this.items.push(inner);
    }
    return this;
  }

  required(path: FieldPath | undefined, detail = ''): this {
    return this.add(field.required(path, detail));
  }
  invalid(path: FieldPath | undefined, value: unknown, detail: string): this {
    return this.add(field.invalid(path, value, detail));
  }
  notSupported(path: FieldPath | undefined, value: unknown, validValues: readonly string[]): this {
    return this.add(field.notSupported(path, value, validValues));
  }
  duplicate(path: FieldPath | undefined, value: unknown): this {
    return this.add(field.duplicate(path, value));
  }
  forbidden(path: FieldPath | undefined, detail: string): this {
    return this.add(field.forbidden(path, detail));
  }
  tooLong(path: FieldPath | undefined, maxLength: number): this {
    return this.add(field.tooLong(path, maxLength));
  }
  tooMany(path: FieldPath | undefined, actual: number, max: number): this {
    return this.add(field.tooMany(path, actual, max));
  }

  get length(): number {
    return this.items.length;
  }

  isEmpty(): boolean {
    return this.items.length === 0;
  }

  [Symbol.iterator](): Iterator<FieldError> {
    return this.items[Symbol.iterator]();
  }

  toCauses(): StatusCause[] {
    return this.items.map((e) => ({ reason: e.type, message: e.body(), field: e.field }));
  }

  /** The aggregate error text (as `errs.ToAggregate().Error()`), or undefined when empty. */
  aggregate(): string | undefined {
    return this.items.length ? aggregateMessage(this.items.map((e) => e.message)) : undefined;
  }

  /** The 422 for this list; kind like "Deployment", group "" for core. */
  toStatusError(kind: string, group: string, name: string): StatusError {
    return invalidStatus(kind, group, name, this.toCauses());
  }
}
