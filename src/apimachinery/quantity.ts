// resource.Quantity (k8s.io/apimachinery/pkg/api/resource): "500m", "1Gi", "1e3". Parsing,
// rounding and canonical printing follow quantity.go step by step so that every string prints
// exactly as the apiserver and kubectl print it, including the quirks: a parsed string that is
// already in a canonical-looking form is kept verbatim ("+1Gi", "1.", "01m"), everything else is
// reprinted canonically ("1000" -> "1k", "0.5" -> "500m", "1.5Gi" -> "1536Mi").
// Values are exact decimals (bigint mantissa x 10^scale) rounded up to nano units, as upstream.

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_NUMERIC_ERROR = 'unable to parse numeric part of quantity';
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

/** Decimal scales by name, as resource.Scale. */
export const Scale = { Nano: -9, Micro: -6, Milli: -3, Unit: 0, Kilo: 3, Mega: 6, Giga: 9, Tera: 12, Peta: 15, Exa: 18 } as const;

const MAX_INT64 = 2n ** 63n - 1n;
/** Refuse to materialize powers of ten beyond this many digits (Kubernetes would hang instead). */
const MAX_DIGITS = 100_000;

const decimalSuffixes = new Map<string, number>([['n', -9], ['u', -6], ['m', -3], ['', 0], ['k', 3], ['M', 6], ['G', 9], ['T', 12], ['P', 15], ['E', 18]]);
const binarySuffixes = new Map<string, number>([['Ki', 10], ['Mi', 20], ['Gi', 30], ['Ti', 40], ['Pi', 50], ['Ei', 60]]);
const decimalSuffixFor = new Map([...decimalSuffixes].map(([s, e]) => [e, s]));
const binarySuffixFor = new Map([[0, ''], ...[...binarySuffixes].map(([s, e]): [number, string] => [e / 10, s])]);

const pow10 = (n: number): bigint => {
  if (n > MAX_DIGITS) throw new RangeError('quantity exponent out of range');
  return 10n ** BigInt(n);
};
const abs = (v: bigint): bigint => (v < 0n ? -v : v);
const digitCount = (v: bigint): number => (v === 0n ? 0 : abs(v).toString().length);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

interface SplitQuantity {
  positive: boolean;
  /** Whether any digit precedes the suffix (inf.Dec needs one: ".Pi" is not a number). */
  hasDigits: boolean;
  num: string;
  denom: string;
  suffix: string;
}

/** parseQuantityString: sign, integer digits (leading zeros dropped), fraction digits, suffix. */
const splitQuantity = (str: string): SplitQuantity => {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') pos++;
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, hasDigits: true, num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  const num = str.slice(pos, i) || '0';
  pos = i;
  let denom = '';
  if (str[pos] === '.') {
    i = ++pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    pos = i;
  }
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos]!)) pos++;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  return { positive, hasDigits: /[0-9]/.test(str.slice(0, suffixStart)), num, denom, suffix: str.slice(suffixStart) };
};

const interpretSuffix = (suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } => {
  const dec = decimalSuffixes.get(suffix);
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = binarySuffixes.get(suffix);
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    const parsed = BigInt(suffix.slice(1));
    // strconv.ParseInt(.., 64) then int32(): out-of-int64 fails, the rest wraps like Go.
    if (parsed >= -(2n ** 63n) && parsed <= MAX_INT64) return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  throw new QuantityError(QUANTITY_SUFFIX_ERROR);
};

/** ceil(|unscaled| x 10^scale) to nano units, without building huge powers for tiny values. */
const roundUpToNano = (unscaled: bigint, scale: number): { unscaled: bigint; scale: number } => {
  if (unscaled === 0n || scale >= Scale.Nano) return { unscaled, scale };
  const drop = Scale.Nano - scale;
  if (drop >= digitCount(unscaled)) return { unscaled: 1n, scale: Scale.Nano };
  const d = pow10(drop);
  return { unscaled: unscaled / d + (unscaled % d === 0n ? 0n : 1n), scale: Scale.Nano };
};

export class Quantity {
  readonly #unscaled: bigint;
  readonly #scale: number;
  /** The parsed string when Kubernetes would keep it verbatim. */
  readonly #original: string | undefined;
  readonly format: QuantityFormat;

  private constructor(unscaled: bigint, scale: number, format: QuantityFormat, original?: string) {
    this.#unscaled = unscaled;
    this.#scale = scale;
    this.format = format;
    this.#original = original;
  }

  /** resource.ParseQuantity. Throws QuantityError with Kubernetes' message. */
  static parse(str: string): Quantity {
    if (str.length === 0) throw new QuantityError(QUANTITY_FORMAT_ERROR);
    if (str === '0') return new Quantity(0n, 0, 'DecimalSI', str);
    const { positive, hasDigits, num, denom, suffix } = splitQuantity(str);
    const { base, exponent, format } = interpretSuffix(suffix);

    // Fast path of upstream (int64 arithmetic). It decides whether the input string is kept.
    let precision: number;
    let scale = 0;
    let mantissa = 1n;
    if (format === 'BinarySI') {
      if (exponent >= 0 && denom.length === 0) {
        mantissa = 1n << BigInt(exponent);
        precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
      } else precision = -1;
    } else {
      scale = exponent;
      precision = 18 - (num.length + denom.length);
    }
    if (precision >= 0) {
      scale -= denom.length;
      if (scale >= Scale.Nano) {
        const shifted = num + denom;
        const value = BigInt(shifted);
        const result = value * mantissa;
        if (result <= MAX_INT64) {
          const keep =
            format === 'BinarySI'
              ? exponent % 10 === 0 && (value & 7n) !== 0n
              : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
          return new Quantity(positive ? result : -result, scale, format, keep ? str : undefined);
        }
      }
    }

    // Slow path (inf.Dec): exact decimal, rounded up to nano units, BinarySI capped at int64.
    if (!hasDigits) throw new QuantityError(QUANTITY_NUMERIC_ERROR);
    let unscaled = BigInt(num + denom);
    let s = -denom.length;
    if (base === 10) s += exponent;
    else unscaled *= 1n << BigInt(exponent);
    ({ unscaled, scale: s } = roundUpToNano(unscaled, s));
    let fmt = format;
    if (fmt === 'BinarySI') {
      if (compareMagnitude(unscaled, s, MAX_INT64, 0) > 0) {
        unscaled = MAX_INT64;
        s = 0;
      }
      if (unscaled !== 0n && compareMagnitude(unscaled, s, 1n, 0) < 0) fmt = 'DecimalSI';
    }
    return new Quantity(positive ? unscaled : -unscaled, s, fmt);
  }

  /** resource.NewQuantity: an integer count. */
  static fromValue(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(toBigInt(value), 0, format);
  }

  /** resource.NewMilliQuantity: e.g. fromMilli(1500) prints "1500m". */
  static fromMilli(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(toBigInt(milli), Scale.Milli, format);
  }

  /** resource.NewScaledQuantity: value x 10^scale, DecimalSI. */
  static fromScaled(value: number | bigint, scale: number): Quantity {
    return new Quantity(toBigInt(value), scale, 'DecimalSI');
  }

  static zero(format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(0n, 0, format);
  }

  /** Go's UnmarshalJSON: a JSON string (trimmed) or number. */
  static fromJSON(value: unknown): Quantity {
    if (typeof value === 'string') return Quantity.parse(value.trim());
    if (typeof value === 'number' && Number.isFinite(value)) return Quantity.parse(String(value));
    throw new QuantityError(QUANTITY_FORMAT_ERROR);
  }

  isZero(): boolean {
    return this.#unscaled === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.#unscaled === 0n ? 0 : this.#unscaled < 0n ? -1 : 1;
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    const a = this.sign();
    const b = other.sign();
    if (a !== b) return a < b ? -1 : 1;
    if (a === 0) return 0;
    const byMagnitude = compareMagnitude(this.#unscaled, this.#scale, other.#unscaled, other.#scale);
    return a > 0 ? byMagnitude : ((-byMagnitude) as -1 | 0 | 1);
  }

  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /** this + other. A zero receiver takes the other's format, as upstream Add. */
  add(other: Quantity): Quantity {
    const format = this.isZero() ? other.format : this.format;
    const scale = Math.min(this.#scale, other.#scale);
    return new Quantity(this.#unscaled * pow10(this.#scale - scale) + other.#unscaled * pow10(other.#scale - scale), scale, format);
  }

  sub(other: Quantity): Quantity {
    return this.add(other.neg());
  }

  neg(): Quantity {
    return new Quantity(-this.#unscaled, this.#scale, this.format);
  }

  mul(factor: number | bigint): Quantity {
    return new Quantity(this.#unscaled * toBigInt(factor), this.#scale, this.format);
  }

  withFormat(format: QuantityFormat): Quantity {
    return new Quantity(this.#unscaled, this.#scale, format);
  }

  /**
   * The value in units of 10^scale, rounded away from zero (ScaledValue: "1500m" at scale 0
   * is 2). Exact; convert with Number() when it is known to be small.
   */
  scaledValue(scale: number): bigint {
    const shift = this.#scale - scale;
    if (shift >= 0) return this.#unscaled * pow10(shift);
    if (-shift >= digitCount(this.#unscaled)) return BigInt(this.sign());
    const d = pow10(-shift);
    const q = this.#unscaled / d;
    return this.#unscaled % d === 0n ? q : q + BigInt(this.sign());
  }

  /** Value(): whole units, rounded away from zero. */
  value(): number {
    return Number(this.scaledValue(0));
  }

  /** MilliValue(): thousandths, rounded away from zero ("1" -> 1000, "100m" -> 100, "1n" -> 1). */
  milliValue(): number {
    return Number(this.scaledValue(Scale.Milli));
  }

  /** AsApproximateFloat64. */
  toNumber(): number {
    return Number(this.#unscaled) * 10 ** this.#scale;
  }

  /** The string Kubernetes serializes: the input when it was kept, else the canonical form. */
  toString(): string {
    return this.#original ?? this.canonical();
  }

  toJSON(): string {
    return this.toString();
  }

  /** CanonicalizeBytes: the largest suffix that keeps an integer mantissa, in this format. */
  canonical(): string {
    if (this.#unscaled === 0n) return '0';
    if (this.format === 'BinarySI' && compareMagnitude(this.#unscaled, this.#scale, 1024n, 0) >= 0 && this.isInteger()) {
      let m = this.scaledValue(0);
      let times = 0;
      while (m % 1024n === 0n) {
        m /= 1024n;
        times++;
      }
      const suffix = binarySuffixFor.get(times);
      if (suffix !== undefined) return `${m}${suffix}`;
      // Beyond Ei there is no suffix; print it in decimal rather than drop the magnitude.
    }
    let m = this.#unscaled;
    let e = this.#scale;
    while (m % 10n === 0n) {
      m /= 10n;
      e++;
    }
    while (e % 3 !== 0) {
      m *= 10n;
      e--;
    }
    if (this.format === 'DecimalExponent') return e === 0 ? `${m}` : `${m}e${e}`;
    // Kubernetes before the fix for kubernetes#140459 dropped the exponent past 'E' ("1000E" -> "1").
    const suffix = decimalSuffixFor.get(e);
    return suffix !== undefined ? `${m}${suffix}` : `${m}e${e}`;
  }

  private isInteger(): boolean {
    if (this.#scale >= 0) return true;
    if (-this.#scale >= digitCount(this.#unscaled)) return false;
    return this.#unscaled % pow10(-this.#scale) === 0n;
  }
}

const toBigInt = (v: number | bigint): bigint => {
  if (typeof v === 'bigint') return v;
  if (!Number.isSafeInteger(v)) throw new RangeError(`not a safe integer: ${v}`);
  return BigInt(v);
};

/** Compares |a| x 10^sa with |b| x 10^sb, using digit counts first so no huge power is built. */
function compareMagnitude(a: bigint, sa: number, b: bigint, sb: number): -1 | 0 | 1 {
  const x = abs(a);
  const y = abs(b);
  if (x === 0n || y === 0n) return x === y ? 0 : x === 0n ? -1 : 1;
  const ma = digitCount(x) + sa;
  const mb = digitCount(y) + sb;
  if (ma !== mb) return ma < mb ? -1 : 1;
  const scale = Math.min(sa, sb);
  const xs = x * pow10(sa - scale);
  const ys = y * pow10(sb - scale);
  return xs === ys ? 0 : xs < ys ? -1 : 1;
}

/** resource.ParseQuantity. Throws QuantityError. */
export const parseQuantity = (s: string): Quantity => Quantity.parse(s);

/** The quantity, or undefined when `s` is not one. */
export const tryParseQuantity = (s: string): Quantity | undefined => {
  try {
    return Quantity.parse(s);
  } catch (e) {
    if (e instanceof QuantityError) return undefined;
    throw e;
  }
};

/** Kubernetes' message for a bad quantity string, or undefined when it parses. */
export const quantityError = (s: string): string | undefined => {
  try {
    Quantity.parse(s);
    return undefined;
  } catch (e) {
    if (e instanceof QuantityError) return e.message;
    throw e;
  }
};
