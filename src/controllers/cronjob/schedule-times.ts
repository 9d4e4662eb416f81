// Which scheduled time a CronJob should start now, and when to look again (pkg/controller/cronjob
// utils.go: mostRecentScheduleTime, nextScheduleTime, nextScheduleTimeDuration).
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import { type ZonedSchedule, nextActivation } from './next-time.js';

/** Padding added to every requeue so a slightly early timer still finds the slot due (upstream's nextScheduleDelta). */
export const NEXT_SCHEDULE_DELTA_MS = 100;
/** More missed starts than this raise TooManyMissedTimes. */
export const MANY_MISSED = 100;

export type MissedSchedules = 'none' | 'few' | 'many';

export interface MostRecent {
  /** lastScheduleTime, else creationTimestamp (raised to now - startingDeadlineSeconds when asked). */
  earliest: number;
  /** The latest scheduled time not after now, if any after `earliest`. */
  mostRecent?: number;
  missed: MissedSchedules;
  /** The schedule never fires or fires less than a second apart ("0 0 31 2 *"). */
  error?: string;
}

const parseTime = (s: string | undefined): number | undefined => (s ? Date.parse(s) : undefined);

export function mostRecentScheduleTime(cj: CronJob, now: number, sched: ZonedSchedule, includeStartingDeadline: boolean): MostRecent {
  let earliest = parseTime(cj.status?.lastScheduleTime) ?? parseTime(cj.metadata?.creationTimestamp) ?? now;
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (includeStartingDeadline && deadline !== undefined && deadline !== null) {
    // Nothing before this point will be scheduled any more.
    const schedulingDeadline = now - deadline * 1000;
    if (schedulingDeadline > earliest) earliest = schedulingDeadline;
  }
  const t1 = nextActivation(sched, earliest);
  const t2 = t1 === undefined ? undefined : nextActivation(sched, t1);
  if (t1 !== undefined && now < t1) return { earliest, missed: 'none' };
  if (t1 !== undefined && t2 !== undefined && now < t2) return { earliest, mostRecent: t1, missed: 'none' };

  const between = t1 === undefined || t2 === undefined ? 0 : Math.round((t2 - t1) / 1000);
  if (between < 1) return { earliest, missed: 'none', error: 'time difference between two schedules is less than 1 second' };
  // A rough count of the slots between t1 and now, from the gap between the first two.
  const elapsed = Math.trunc((now - t1!) / 1000);
  const missedCount = Math.trunc(elapsed / between) + 1;
  // Jump close to now (one slot back, as schedules are not always evenly spaced), then walk forward.
  const potentialEarliest = t1! + (missedCount - 2) * between * 1000;
  let mostRecent: number | undefined;
  for (let t = nextActivation(sched, potentialEarliest); t !== undefined && t <= now; t = nextActivation(sched, t)) mostRecent = t;
  const missed: MissedSchedules = missedCount > MANY_MISSED ? 'many' : missedCount > 0 ? 'few' : 'none';
  return { earliest, mostRecent, missed };
}

/** The scheduled time to start now, if one is due; `missed` tells the caller whether to warn. */
export function nextScheduleTime(cj: CronJob, now: number, sched: ZonedSchedule): { time?: number; missed: MissedSchedules; error?: string } {
  const r = mostRecentScheduleTime(cj, now, sched, true);
  if (r.mostRecent === undefined || r.mostRecent > now) return { missed: r.missed, error: r.error };
  return { time: r.mostRecent, missed: r.missed, error: r.error };
}

/**
 * How long until the next slot after the most recent one (plus the NTP padding); undefined when
 * the schedule never fires again. Negative means "now".
 */
export function nextScheduleDelay(cj: CronJob, now: number, sched: ZonedSchedule): number | undefined {
  const r = mostRecentScheduleTime(cj, now, sched, false);
  const from = r.error !== undefined ? now : (r.mostRecent ?? r.earliest);
  const next = nextActivation(sched, from);
  return next === undefined ? undefined : next + NEXT_SCHEDULE_DELTA_MS - now;
}
