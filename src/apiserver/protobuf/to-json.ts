// Turns a decoded Kubernetes protobuf message into the JSON object Go's encoding/json would give for
// the same Go struct. Hand-written rather than protobufjs' toObject(): that has no notion of Go
// pointers, omitempty, inline structs, or the value types' JSON forms (Time, IntOrString, Quantity).
//
// Go writes every non-pointer field, even zero ones, and pointer fields only when set. So a field
// present on the wire is kept when it is a pointer (see annotations.ts) and dropped when it is a
// zero non-pointer with omitempty. Nested structs always stay, as Go prints them ("status": {}).
import protobuf from 'protobufjs';
import { OPT_INLINE, OPT_JSON_NAME, OPT_KEEP_ZERO, OPT_POINTER } from './schema/annotations.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

type Decoded = Record<string, unknown>;

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const TIME = `.${META}.Time`;
const MICRO_TIME = `.${META}.MicroTime`;
const FIELDS_V1 = `.${META}.FieldsV1`;
const INT_OR_STRING = '.k8s.io.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = '.k8s.io.apimachinery.pkg.api.resource.Quantity';
/** map<string, ExtraValue> holds Go's map[string][]string. */
const EXTRA_VALUES = new Set(['.k8s.io.api.authorization.v1.ExtraValue', '.k8s.io.api.certificates.v1.ExtraValue', '.k8s.io.api.authentication.v1.ExtraValue']);

/** A value left out of the JSON object. */
const OMIT = Symbol('omit');
type Converted = JsonValue | typeof OMIT;

const option = (field: protobuf.Field, name: string): unknown => field.options?.[name];
const has = (msg: Decoded, name: string): boolean => Object.prototype.hasOwnProperty.call(msg, name);

/** int64 fields decode to Long when the `long` package is present; JSON wants plain numbers. */
const toNumber = (value: unknown): number => {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (value && typeof value === 'object' && 'toNumber' in value && typeof value.toNumber === 'function') {
    return (value as { toNumber(): number }).toNumber();
  }
  return Number(value);
};

/** metav1.Time prints seconds only; MicroTime prints six fraction digits. Both are UTC. */
const formatTime = (msg: Decoded, micro: boolean): string | undefined => {
  const seconds = toNumber(msg.seconds ?? 0);
  const nanos = toNumber(msg.nanos ?? 0);
  // Go sends the zero time.Time as an empty message; an explicit epoch is treated the same.
  if (seconds === 0 && nanos === 0) return undefined;
  const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  if (!micro) return `${iso}Z`;
  return `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
};

const intOrString = (msg: Decoded): number | string =>
  toNumber(msg.type ?? 0) === 1 ? String(msg.strVal ?? '') : toNumber(msg.intVal ?? 0);

const isZeroScalar = (value: JsonValue): boolean => value === '' || value === 0 || value === false;

/** Converts one scalar or message value (not a list or map). `standalone` marks list items and map
 * values, which Go always prints, zero or not. */
const convertValue = (field: protobuf.Field, value: unknown, standalone: boolean): Converted => {
  const type = field.resolvedType;
  if (type instanceof protobuf.Type) return convertMessageValue(field, type, value as Decoded, standalone);
  let out: JsonValue;
  switch (field.type) {
    case 'bytes':
      out = Buffer.from(value as Uint8Array).toString('base64');
      break;
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      out = toNumber(value);
      break;
    default:
      out = value as JsonValue;
  }
  if (standalone || option(field, OPT_POINTER) || option(field, OPT_KEEP_ZERO)) return out;
  return isZeroScalar(out) ? OMIT : out;
};

const convertMessageValue = (field: protobuf.Field, type: protobuf.Type, msg: Decoded, standalone: boolean): Converted => {
  switch (type.fullName) {
    case TIME:
    case MICRO_TIME: {
      const text = formatTime(msg, type.fullName === MICRO_TIME);
      if (text !== undefined) return text;
      return standalone ? null : OMIT; // Go prints a zero Time as null
    }
    case INT_OR_STRING: {
      const v = intOrString(msg);
      const keep = standalone || option(field, OPT_POINTER) || option(field, OPT_KEEP_ZERO);
      return keep || !isZeroScalar(v) ? v : OMIT;
    }
    case QUANTITY: {
      const text = String(msg.string ?? '');
      return text === '' && !standalone ? OMIT : text;
    }
    case FIELDS_V1: {
      const raw = msg.Raw as Uint8Array | undefined;
      return raw && raw.length > 0 ? (JSON.parse(Buffer.from(raw).toString('utf8')) as JsonValue) : {};
    }
    default:
      if (EXTRA_VALUES.has(type.fullName)) return ((msg.items as unknown[] | undefined) ?? []).map((s) => String(s));
      return messageToJson(type, msg);
  }
};

/** The JSON object for a decoded message of the given type. */
export const messageToJson = (type: protobuf.Type, msg: Decoded): JsonObject => {
  const out: JsonObject = {};
  for (const field of type.fieldsArray) {
    if (!has(msg, field.name)) continue;
    const value = msg[field.name];
    const name = String(option(field, OPT_JSON_NAME) ?? field.name);
    if (field.map) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) continue;
      const obj: JsonObject = {};
      for (const [k, v] of entries) {
        const c = convertValue(field, v, true);
        if (c !== OMIT) obj[k] = c;
      }
      out[name] = obj;
    } else if (field.repeated) {
      const items = value as unknown[];
      if (items.length === 0) continue;
      out[name] = items.map((v) => convertValue(field, v, true)).filter((c): c is JsonValue => c !== OMIT);
    } else {
      const c = convertValue(field, value, false);
      if (c === OMIT) continue;
      if (option(field, OPT_INLINE) && c !== null && typeof c === 'object' && !Array.isArray(c)) Object.assign(out, c);
      else out[name] = c;
    }
  }
  return out;
};
