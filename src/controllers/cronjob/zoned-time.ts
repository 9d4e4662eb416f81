// Wall-clock arithmetic in an IANA time zone, the way Go's time package does it for a
// *time.Location: reading fields, time.Date (with its normalisation and its choice of offset
// for wall times that fall in a DST gap or overlap) and AddDate. Written here because robfig/cron's
// Next() depends on these exact Go rules, which no JS date library reproduces; Intl supplies
// only the zone's offsets.

export interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

const isUtc = (zone: string): boolean => zone === 'UTC' || zone === 'Etc/UTC' || zone === '';

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
      era: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** time.LoadLocation succeeds: "" and "UTC" are UTC; anything else must be a zone Intl knows. */
export function isKnownTimeZone(zone: string): boolean {
  if (isUtc(zone)) return true;
  if (zone.toLowerCase() === 'local') return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock at instant `ms` in `zone`. */
export function wallClock(ms: number, zone: string): WallClock {
  const d = new Date(ms);
  if (isUtc(zone)) {
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay() };
  }
  const parts: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(d)) parts[p.type] = p.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  };
}

const utcOf = (w: Omit<WallClock, 'weekday'>): number => {
  const d = new Date(0);
  // setUTCFullYear keeps years 0-99 literal (Date.UTC would map them to 19xx).
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, 0);
  return d.getTime();
};

/** The zone's offset from UTC at instant `ms`, in milliseconds (whole seconds). */
export function offsetAt(ms: number, zone: string): number {
  if (isUtc(zone)) return 0;
  const whole = Math.floor(ms / 1000) * 1000;
  return utcOf(wallClock(whole, zone)) - whole;
}

/**
 * time.Date(year, month, day, hour, minute, second, 0, zone): out-of-range fields carry over
 * (month 13 is January next year), and a wall time that does not exist or exists twice gets
 * the offset Go picks: the one in force at the wall time read as UTC, unless that instant
 * leaves the period, in which case the offset at the corrected instant.
 */
export function zonedDate(year: number, month: number, day: number, hour: number, minute: number, second: number, zone: string): number {
  const wall = utcOf({ year, month, day, hour, minute, second });
  if (isUtc(zone)) return wall;
  let offset = offsetAt(wall, zone);
  if (offset !== 0) {
    const utc = wall - offset;
    const there = offsetAt(utc, zone);
    if (there !== offset) offset = there;
  }
  return wall - offset;
}

/** t.AddDate(years, months, days) in `zone`: calendar arithmetic on the wall clock. */
export function addDate(ms: number, years: number, months: number, days: number, zone: string): number {
  const w = wallClock(ms, zone);
  return zonedDate(w.year + years, w.month + months, w.day + days, w.hour, w.minute, w.second, zone) + (ms - Math.floor(ms / 1000) * 1000);
}

/** RFC 3339 with the zone's offset ("2024-03-10T09:00:00-04:00", "...Z" in UTC), as Go formats time.RFC3339. */
export function formatRfc3339InZone(ms: number, zone: string): string {
  const w = wallClock(ms, zone);
  const pad = (n: number, len = 2): string => String(n).padStart(len, '0');
  const base = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  const offMin = Math.round(offsetAt(ms, zone) / 60000);
  if (offMin === 0) return `${base}Z`;
  const sign = offMin < 0 ? '-' : '+';
  const abs = Math.abs(offMin);
  return `${base}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
