// CronJob schedules as github.com/robfig/cron/v3 ParseStandard reads them (five fields or a
// descriptor such as @hourly), with its error texts, which Kubernetes returns verbatim in
// `spec.schedule: Invalid value`. Written here: no npm cron parser reproduces these messages.
import { goQuote } from '../../../../apimachinery/field.js';

export interface FieldRange {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTH_NAMES = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOW_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** minute, hour, day of month, month, day of week. */
export const FIELD_RANGES: readonly FieldRange[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTH_NAMES },
  { min: 0, max: 6, names: DOW_NAMES },
];

/** A parsed schedule: the allowed values of each field, or a fixed interval (@every). */
export type Schedule =
  | { kind: 'spec'; minute: Set<number>; hour: Set<number>; dom: Set<number>; month: Set<number>; dow: Set<number>; domStar: boolean; dowStar: boolean; timeZone?: string }
  | { kind: 'every'; seconds: number; timeZone?: string };

export class ScheduleError extends Error {}

const INT64_MAX = 9223372036854775807n;

/** strconv.Atoi with Go's error text (64-bit int). */
const atoi = (s: string): bigint => {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new ScheduleError(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > INT64_MAX || n < -INT64_MAX - 1n) throw new ScheduleError(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  return n;
};

const mustParseInt = (expr: string): bigint => {
  let n: bigint;
  try {
    n = atoi(expr);
  } catch (e) {
    throw new ScheduleError(`failed to parse int from ${expr}: ${(e as Error).message}`);
  }
  if (n < 0n) throw new ScheduleError(`negative number (${n}) not allowed: ${expr}`);
  return n;
};

const parseIntOrName = (expr: string, names: Record<string, number> | undefined): bigint => {
  const key = expr.toLowerCase();
  return names && Object.prototype.hasOwnProperty.call(names, key) ? BigInt(names[key]!) : mustParseInt(expr);
};

// Bigints because robfig/cron reports the parsed numbers in its messages at full 64-bit width.
const getRange = (expr: string, r: FieldRange, into: Set<number>): boolean => {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const singleDigit = lowAndHigh.length === 1;
  const min = BigInt(r.min);
  const max = BigInt(r.max);
  let start: bigint;
  let end: bigint;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = min;
    end = max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, r.names);
    else throw new ScheduleError(`too many hyphens: ${expr}`);
  }
  let step = 1n;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    if (singleDigit) end = max;
    if (step > 1n) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new ScheduleError(`too many slashes: ${expr}`);
  }
  if (start < min) throw new ScheduleError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > max) throw new ScheduleError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new ScheduleError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0n) throw new ScheduleError(`step of range should be a positive number: ${expr}`);
  for (let i = Number(start); i <= Number(end); i += Number(step)) into.add(i);
  return star;
};

const getField = (field: string, r: FieldRange): { values: Set<number>; star: boolean } => {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(',').filter((s) => s !== '')) star = getRange(expr, r, values) || star;
  return { values, star };
};

const DURATION_UNITS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** time.ParseDuration, in seconds, with Go's error texts. */
export function parseGoDuration(text: string): number {
  const orig = text;
  const invalid = (): ScheduleError => new ScheduleError(`time: invalid duration ${goQuote(orig)}`);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    const num = /^([0-9]*)(\.([0-9]*))?/.exec(s)!;
    if (num[0] === '' || num[0] === '.') throw invalid();
    s = s.slice(num[0].length);
    const unit = /^[^0-9.]*/.exec(s)![0];
    if (unit === '') throw new ScheduleError(`time: missing unit in duration ${goQuote(orig)}`);
    const factor = DURATION_UNITS[unit];
    if (factor === undefined) throw new ScheduleError(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(orig)}`);
    total += Number(num[0]) * factor;
    s = s.slice(unit.length);
  }
  return sign * total;
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const goFields = (fields: string[]): string => `[${fields.join(' ')}]`;

/**
 * cron.ParseStandard. Throws ScheduleError with robfig/cron's message. A TZ=/CRON_TZ= prefix is
 * accepted here (Kubernetes rejects it separately); `isTimeZone` decides whether its zone exists.
 */
export function parseSchedule(spec: string, isTimeZone: (tz: string) => boolean = () => true): Schedule {
  if (spec.length === 0) throw new ScheduleError('empty spec string');
  let timeZone: string | undefined;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    const zone = spec.slice(spec.indexOf('=') + 1, space < 0 ? undefined : space);
    if (space < 0 || !isTimeZone(zone)) throw new ScheduleError(`provided bad location ${zone}: unknown time zone ${zone}`);
    timeZone = zone;
    spec = spec.slice(space).trim();
  }
  if (spec.startsWith('@')) {
    const fixed = DESCRIPTORS[spec];
    if (fixed) return { ...parseSchedule(fixed), timeZone };
    if (spec.startsWith('@every ')) {
      let seconds: number;
      try {
        seconds = parseGoDuration(spec.slice('@every '.length));
      } catch (e) {
        throw new ScheduleError(`failed to parse duration ${spec}: ${(e as Error).message}`);
      }
      // cron.Every rounds anything under a second up to one second.
      return { kind: 'every', seconds: Math.max(1, Math.floor(seconds)), timeZone };
    }
    throw new ScheduleError(`unrecognized descriptor: ${spec}`);
  }
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) throw new ScheduleError(`expected exactly 5 fields, found ${fields.length}: ${goFields(fields)}`);
  const [minute, hour, dom, month, dow] = fields.map((f, i) => getField(f, FIELD_RANGES[i]!));
  return {
    kind: 'spec',
    minute: minute!.values,
    hour: hour!.values,
    dom: dom!.values,
    month: month!.values,
    dow: dow!.values,
    domStar: dom!.star,
    dowStar: dow!.star,
    timeZone,
  };
}

/** The error text for a schedule, or undefined when it parses. */
export const scheduleError = (spec: string, isTimeZone?: (tz: string) => boolean): string | undefined => {
  try {
    parseSchedule(spec, isTimeZone);
    return undefined;
  } catch (e) {
    if (e instanceof ScheduleError) return e.message;
    throw e;
  }
};
