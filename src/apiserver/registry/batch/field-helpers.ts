// ValidateImmutableField with apiequality.Semantic.DeepEqual. Objects compare as core/equality.ts
// does (Go zero values equal to absent ones); a top-level scalar keeps the distinction between
// unset and zero, because those fields are pointers in Go (completions: nil -> 0 is a change).
import { ErrorList, FieldError, type FieldPath } from '../../../apimachinery/field.js';
import { FIELD_IMMUTABLE_ERROR_MSG } from '../../../apimachinery/objectmeta.js';
import { semanticEqual as objectsEqual } from '../core/equality.js';

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null;

export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isObject(a) || isObject(b)) return objectsEqual(a ?? {}, b ?? {});
  return (a ?? null) === (b ?? null);
}

/** ValidateImmutableField: `path: Invalid value: <new>: field is immutable`. */
export const validateImmutableField = (value: unknown, old: unknown, path: FieldPath): ErrorList =>
  semanticEqual(value, old) ? new ErrorList() : new ErrorList().invalid(path, value ?? null, FIELD_IMMUTABLE_ERROR_MSG);

/** field.Invalid with field.OmitValueType{}: the message shows no value ("Invalid value: <detail>"). */
class OmittedValueError extends FieldError {
  override body(): string {
    return this.detail ? `Invalid value: ${this.detail}` : 'Invalid value';
  }
}

export const invalidOmitValue = (path: FieldPath, detail: string): FieldError => new OmittedValueError('FieldValueInvalid', path.toString(), '', detail);
