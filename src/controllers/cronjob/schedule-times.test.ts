import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedule } from '../../apiserver/registry/batch/cronjobs/schedule.js';
import { mostRecentScheduleTime, nextScheduleDelay, nextScheduleTime } from './schedule-times.js';
import type { CronJob } from './types.js';

const hourly = { schedule: parseSchedule('0 * * * *'), zone: '' };
const cronJob = (created: string, status: CronJob['status'] = {}, startingDeadlineSeconds?: number): CronJob => ({
  metadata: { name: 'cj', namespace: 'default', creationTimestamp: created },
  spec: { schedule: '0 * * * *', startingDeadlineSeconds, jobTemplate: {} },
  status,
});
const at = (s: string): number => Date.parse(s);
const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());

describe('CronJob schedule times (mostRecentScheduleTime, nextScheduleTime)', () => {
  it('nothing due before the first slot after creation', () => {
    const r = nextScheduleTime(cronJob('2024-01-01T11:10:00Z'), at('2024-01-01T11:59:59Z'), hourly);
    assert.equal(r.time, undefined);
    assert.equal(nextScheduleDelay(cronJob('2024-01-01T11:10:00Z'), at('2024-01-01T11:59:59Z'), hourly), 1100, 'next slot in 1 s, plus 100 ms padding');
  });

  it('the most recent slot after the last schedule time is due', () => {
    const cj = cronJob('2024-01-01T09:10:00Z', { lastScheduleTime: '2024-01-01T11:00:00Z' });
    const r = nextScheduleTime(cj, at('2024-01-01T12:30:00Z'), hourly);
    assert.equal(iso(r.time), '2024-01-01T12:00:00.000Z');
    assert.equal(r.missed, 'none');
  });

  it('several missed slots: only the latest is started, and "few" are reported', () => {
    const cj = cronJob('2024-01-01T06:10:00Z');
    const r = mostRecentScheduleTime(cj, at('2024-01-01T12:30:00Z'), hourly, true);
    assert.equal(iso(r.mostRecent), '2024-01-01T12:00:00.000Z');
    assert.equal(r.missed, 'few');
  });

  it('more than 100 missed slots are "many" (TooManyMissedTimes)', () => {
    const cj = cronJob('2023-12-20T00:00:00Z');
    const r = nextScheduleTime(cj, at('2024-01-01T12:30:00Z'), hourly);
    assert.equal(iso(r.time), '2024-01-01T12:00:00.000Z');
    assert.equal(r.missed, 'many');
  });

  it('startingDeadlineSeconds bounds how far back it looks', () => {
    const cj = cronJob('2023-12-20T00:00:00Z', {}, 600);
    assert.equal(nextScheduleTime(cj, at('2024-01-01T12:30:00Z'), hourly).time, undefined, '12:00 is older than 10 minutes');
    const r = nextScheduleTime(cj, at('2024-01-01T12:05:00Z'), hourly);
    assert.equal(iso(r.time), '2024-01-01T12:00:00.000Z');
    assert.equal(r.missed, 'none', 'the deadline also keeps the missed count small');
  });

  it('a schedule that never fires is an error, not a loop', () => {
    const never = { schedule: parseSchedule('0 0 30 2 *'), zone: '' };
    const r = nextScheduleTime(cronJob('2024-01-01T00:00:00Z'), at('2024-06-01T00:00:00Z'), never);
    assert.equal(r.error, 'time difference between two schedules is less than 1 second');
    assert.equal(nextScheduleDelay(cronJob('2024-01-01T00:00:00Z'), at('2024-06-01T00:00:00Z'), never), undefined);
  });

  it('requeues for the slot after the most recent one', () => {
    const cj = cronJob('2024-01-01T09:10:00Z', { lastScheduleTime: '2024-01-01T12:00:00Z' });
    assert.equal(nextScheduleDelay(cj, at('2024-01-01T12:00:00.050Z'), hourly), 3_600_050);
  });
});
