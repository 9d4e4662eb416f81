// equality.Semantic.DeepEqual for JSON objects: Go's zero values (absent, null, "", 0, false, empty
// list or map) are equal to each other, and key order never matters (merge patches reorder keys).

const isZero = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  v === '' ||
  v === 0 ||
  v === false ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isZero(a) && isZero(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => semanticEqual(v, b[i]));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of keys) if (!semanticEqual(x[k], y[k])) return false;
    return true;
  }
  return a === b;
}

/** The top-level keys of two objects whose values differ, sorted (for "what changed" messages). */
export function changedKeys(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): string[] {
  const x = a ?? {};
  const y = b ?? {};
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => !semanticEqual(x[k], y[k])).sort();
}
