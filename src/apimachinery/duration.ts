// Ages as kubectl prints them in tables (k8s.io/apimachinery/pkg/util/duration).

/**
 * duration.HumanDuration: about 2-3 significant figures. Under 2 minutes in seconds ("45s",
 * "119s"); under 10 minutes as "3m20s"; under 3 hours in minutes ("10m", "179m"); under 8 hours
 * as "5h3m"; under 2 days in hours ("47h"); under 8 days as "2d3h"; under 2 years in days
 * ("8d", "729d"); under 8 years as "2y45d"; then years. Slightly negative input (clock skew under
 * 2 seconds) is "0s"; more negative is "<invalid>".
 */
export const humanDuration = (ms: number): string => {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
};

/** duration.ShortHumanDuration: one unit only ("45s", "5m", "3h", "8d", "2y"). */
export const shortHumanDuration = (ms: number): string => {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
};

/**
 * kubectl's translateTimestampSince: the age of an RFC3339 timestamp, "<unknown>" when it is
 * missing or unparsable.
 */
export const translateTimestampSince = (timestamp: string | undefined, nowMs: number = Date.now()): string => {
  const t = timestamp ? Date.parse(timestamp) : NaN;
  return Number.isNaN(t) ? '<unknown>' : humanDuration(nowMs - t);
};
