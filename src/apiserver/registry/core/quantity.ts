// resource.Quantity as the validators need it: parse Kubernetes' quantity strings ("500m", "1.5Gi",
// "2e3") exactly, into nano-units as a bigint, so that requests/limits compare without float error.
// Hand-written: no npm library implements Kubernetes' quantity grammar (binary + decimal SI + exponents).

/** The grammar's regular expression, as quoted in Kubernetes' parse error. */
export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const QUANTITY_ERROR = `quantities must match the regular expression '${QUANTITY_PATTERN}'`;

const QUANTITY = new RegExp(QUANTITY_PATTERN);

const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** A quantity in nano-units (1 = 1e-9); values below a nano round up, as Kubernetes does. */
export type Nanos = bigint;

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Parses a quantity (JSON may carry it as a number too); null when it does not match the grammar. */
export function parseQuantity(value: unknown): Nanos | null {
  if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
  if (typeof value !== 'string') return null;
  const m = QUANTITY.exec(value);
  if (!m) return null;
  const [, number, suffix] = m as unknown as [string, string, string];
  const sign = number.startsWith('-') ? -1n : 1n;
  const digits = number.replace(/^[+-]/, '');
  if ((digits.match(/\./g) ?? []).length > 1 || !/[0-9]/.test(digits)) return null;
  const [whole = '', frac = ''] = digits.split('.');
  const mantissa = BigInt(`${whole}${frac}` || '0');
  let exp10 = -frac.length;
  let exp2 = 0;
  if (suffix in binarySuffixes) exp2 = binarySuffixes[suffix]!;
  else if (suffix in decimalSuffixes) exp10 += decimalSuffixes[suffix]!;
  else if (/^[eE][-+]?[0-9]+$/.test(suffix)) exp10 += Number(suffix.slice(1));
  else return null;
  let scaled = mantissa * 2n ** BigInt(exp2);
  const nanoExp = exp10 + 9;
  if (nanoExp >= 0) scaled *= pow10(nanoExp);
  else {
    const div = pow10(-nanoExp);
    scaled = (scaled + div - 1n) / div;
  }
  return sign * scaled;
}

export const isValidQuantity = (value: unknown): boolean => parseQuantity(value) !== null;

/** -1, 0 or 1 like Quantity.Cmp; unparsable values compare as zero. */
export function compareQuantities(a: unknown, b: unknown): number {
  const x = parseQuantity(a) ?? 0n;
  const y = parseQuantity(b) ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The text of a quantity for messages (the stored form, not Kubernetes' canonical form). */
export const quantityText = (value: unknown): string => (typeof value === 'number' ? String(value) : String(value ?? '0'));

export const NANOS_PER_UNIT = 1_000_000_000n;
