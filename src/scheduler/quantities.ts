// Resource quantities as plain numbers for the scheduler's arithmetic. Parsing goes through
// apimachinery's Quantity (exact, BigInt based); the results are memoised per string because a
// cluster repeats the same few strings ("100m", "128Mi") on thousands of pods and nodes.
import { Quantity } from '../apimachinery/quantity.js';

const MAX_MEMO = 10_000;
const milliMemo = new Map<string, number>();
const valueMemo = new Map<string, number>();

const memoised = (memo: Map<string, number>, s: string, convert: (q: Quantity) => number): number => {
  let v = memo.get(s);
  if (v !== undefined) return v;
  try {
    v = convert(Quantity.parse(s));
  } catch {
    // Validation rejects bad quantities before they are stored; count one that slipped by as 0.
    v = 0;
  }
  if (memo.size >= MAX_MEMO) memo.clear();
  memo.set(s, v);
  return v;
};

/** Quantity.MilliValue() of a quantity string ("250m" -> 250, "2" -> 2000). */
export const milliValue = (s: string | number | undefined): number =>
  s === undefined ? 0 : typeof s === 'number' ? s * 1000 : memoised(milliMemo, s, (q) => q.milliValue());

/** Quantity.Value() of a quantity string, rounded up ("1Ki" -> 1024, "1500m" -> 2). */
export const value = (s: string | number | undefined): number =>
  s === undefined ? 0 : typeof s === 'number' ? Math.ceil(s) : memoised(valueMemo, s, (q) => q.value());
