// Server-side unknown-field detection for fieldValidation=Strict|Warn, against kite's generated schemas.
// Paths and messages follow what upstream's strict JSON decoder (sigs.k8s.io/json) reports:
// fields joined with ".", list items as "[i]", map keys as ".key", at most 100 findings, each once.
import { deref, schemaFor, type OpenAPISchema } from './schemas.js';

const MAX_FINDINGS = 100;

/**
 * Paths of the fields in `obj` that the kind's schema does not declare, in document order,
 * each with a leading dot: `.spec.replicass`, `.spec.template.spec.containers[0].imagee`.
 * Subtrees marked x-kubernetes-preserve-unknown-fields (RawExtension, FieldsV1, ...) and the
 * contents of an unknown field are not inspected. A kind without a schema yields [].
 */
export function findUnknownFields(group: string, version: string, kind: string, obj: unknown): string[] {
  const schema = schemaFor(group, version, kind);
  if (!schema) return [];
  const found = new Set<string>();
  walk(obj, schema, '', found);
  return [...found];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(value: unknown, declared: OpenAPISchema, path: string, found: Set<string>): void {
  if (value === null || value === undefined || found.size >= MAX_FINDINGS) return;
  const schema = deref(declared);
  if (schema['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(value)) {
    // A value of the wrong shape is a decoding error of its own, not an unknown field.
    if (schema.type !== 'array' || !schema.items) return;
    value.forEach((item, i) => walk(item, schema.items!, `${path}[${i}]`, found));
    return;
  }
  if (!isPlainObject(value) || schema.type !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    const field = schema.properties?.[key];
    const childPath = `${path}.${key}`;
    if (field) walk(child, field, childPath, found);
    else if (schema.additionalProperties) walk(child, schema.additionalProperties, childPath, found);
    else if (schema.properties) {
      if (found.size >= MAX_FINDINGS) return;
      found.add(childPath);
    }
  }
}

/** Go's strconv.Quote for the characters that can occur in a JSON key. */
function goQuote(text: string): string {
  const named: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (named[ch] !== undefined) out += named[ch];
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** One `unknown field "spec.replicass"` per path, as upstream words each finding (and each Warn header). */
export function unknownFieldMessages(paths: readonly string[]): string[] {
  return paths.map((path) => `unknown field ${goQuote(path.replace(/^\./, ''))}`);
}

/**
 * Upstream's runtime.NewStrictDecodingError text:
 * `strict decoding error: unknown field "spec.replicass", unknown field "spec.foo"`.
 *
 * With `body` (the apiVersion's version and the kind the request body named), the text is wrapped the way
 * create and update (POST/PUT) report it in a 400 BadRequest:
 * `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ...`.
 */
export function strictDecodingMessage(paths: readonly string[], body?: { kind: string; version: string; target?: string }): string {
  const message = `strict decoding error: ${unknownFieldMessages(paths).join(', ')}`;
  if (!body) return message;
  return `${body.kind} in version ${goQuote(body.version)} cannot be handled as a ${body.target ?? body.kind}: ${message}`;
}
