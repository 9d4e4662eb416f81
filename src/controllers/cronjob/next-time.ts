// Schedule.Next as robfig/cron/v3 computes it (SpecSchedule.Next and ConstantDelaySchedule.Next),
// step for step, because the CronJob controller's notion of "missed" and "next" runs depends on
// its exact behaviour around DST: a wall time skipped by spring-forward does not run that day,
// one repeated by fall-back runs twice, and the search gives up after five years (zero time).
import type { Schedule } from '../../apiserver/registry/batch/cronjobs/schedule.js';
import { addDate, wallClock, zonedDate } from './zoned-time.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** A parsed schedule bound to the zone it is evaluated in ("" or "UTC" for UTC). */
export interface ZonedSchedule {
  schedule: Schedule;
  zone: string;
}

const dayMatches = (s: Extract<Schedule, { kind: 'spec' }>, day: number, weekday: number): boolean => {
  const domMatch = s.dom.has(day);
  const dowMatch = s.dow.has(weekday);
  // A star in either field means both must match (robfig's starBit rule).
  if (s.domStar || s.dowStar) return domMatch && dowMatch;
  return domMatch || dowMatch;
};

/**
 * The first activation strictly after `after` (ms since the epoch), or undefined where robfig
 * returns the zero time (nothing within five years, e.g. "0 0 30 2 *").
 */
export function nextActivation(zs: ZonedSchedule, after: number): number | undefined {
  const { schedule: s } = zs;
  if (s.kind === 'every') {
    // ConstantDelaySchedule: drop the sub-second part, then add the delay.
    return Math.floor(after / SECOND) * SECOND + s.seconds * SECOND;
  }
  // A TZ= prefix in the schedule wins over spec.timeZone, as formatSchedule leaves it in place.
  const zone = s.timeZone ?? (zs.zone || 'UTC');
  // Start at the upcoming whole second.
  let t = Math.floor(after / SECOND) * SECOND + SECOND;
  let added = false;
  const yearLimit = wallClock(t, zone).year + 5;

  wrap: for (;;) {
    let w = wallClock(t, zone);
    if (w.year > yearLimit) return undefined;

    while (!s.month.has(w.month)) {
      if (!added) {
        added = true;
        t = zonedDate(w.year, w.month, 1, 0, 0, 0, zone);
      }
      t = addDate(t, 0, 1, 0, zone);
      w = wallClock(t, zone);
      if (w.month === 1) continue wrap;
    }

    while (!dayMatches(s, w.day, w.weekday)) {
      if (!added) {
        added = true;
        t = zonedDate(w.year, w.month, w.day, 0, 0, 0, zone);
      }
      t = addDate(t, 0, 0, 1, zone);
      w = wallClock(t, zone);
      // Where DST moves midnight, pull the time back to the start of the day.
      if (w.hour !== 0) {
        t += w.hour > 12 ? (24 - w.hour) * HOUR : -w.hour * HOUR;
        w = wallClock(t, zone);
      }
      if (w.day === 1) continue wrap;
    }

    while (!s.hour.has(w.hour)) {
      if (!added) {
        added = true;
        t = zonedDate(w.year, w.month, w.day, w.hour, 0, 0, zone);
      }
      t += HOUR;
      w = wallClock(t, zone);
      if (w.hour === 0) continue wrap;
    }

    while (!s.minute.has(w.minute)) {
      if (!added) {
        added = true;
        t = Math.floor(t / MINUTE) * MINUTE;
      }
      t += MINUTE;
      w = wallClock(t, zone);
      if (w.minute === 0) continue wrap;
    }

    // The standard parser fixes seconds at 0: robfig steps a second at a time to the next
    // minute and starts over; jumping there at once gives the same answer.
    if (w.second !== 0) {
      added = true;
      t += (60 - w.second) * SECOND;
      continue wrap;
    }
    return t;
  }
}
