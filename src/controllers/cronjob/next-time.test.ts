import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchedule } from '../../apiserver/registry/batch/cronjobs/schedule.js';
import { nextActivation } from './next-time.js';
import { formatRfc3339InZone, zonedDate } from './zoned-time.js';

const next = (spec: string, after: string, zone = ''): string | undefined => {
  const t = nextActivation({ schedule: parseSchedule(spec), zone }, Date.parse(after));
  return t === undefined ? undefined : new Date(t).toISOString();
};

/** Successive activations after `after`. */
const series = (spec: string, after: string, zone: string, n: number): string[] => {
  const out: string[] = [];
  let t = Date.parse(after);
  for (let i = 0; i < n; i++) {
    t = nextActivation({ schedule: parseSchedule(spec), zone }, t)!;
    out.push(formatRfc3339InZone(t, zone));
  }
  return out;
};

describe('cron next activation (robfig/cron SpecSchedule.Next)', () => {
  it('finds the next matching minute, strictly after the given time', () => {
    assert.equal(next('*/15 * * * *', '2024-01-01T12:07:30Z'), '2024-01-01T12:15:00.000Z');
    assert.equal(next('*/15 * * * *', '2024-01-01T12:15:00Z'), '2024-01-01T12:30:00.000Z');
    assert.equal(next('* * * * *', '2024-01-01T12:15:00.900Z'), '2024-01-01T12:16:00.000Z');
    assert.equal(next('0 0 1 1 *', '2024-06-01T00:00:00Z'), '2025-01-01T00:00:00.000Z');
    assert.equal(next('@hourly', '2024-01-01T23:59:59Z'), '2024-01-02T00:00:00.000Z');
  });

  it('day of month and day of week: either matches unless one is a star', () => {
    // 2024-09-06 is a Friday, 2024-09-13 a Friday the 13th.
    assert.equal(next('0 0 13 * 5', '2024-09-01T00:00:00Z'), '2024-09-06T00:00:00.000Z');
    assert.equal(next('0 0 13 * *', '2024-09-01T00:00:00Z'), '2024-09-13T00:00:00.000Z');
    assert.equal(next('0 0 * * 5', '2024-09-07T00:00:00Z'), '2024-09-13T00:00:00.000Z');
    assert.equal(next('0 0 * * mon-fri', '2024-09-06T12:00:00Z'), '2024-09-09T00:00:00.000Z');
  });

  it('a date that exists only in leap years is found years ahead; one that never exists gives nothing', () => {
    assert.equal(next('0 0 29 2 *', '2024-03-01T00:00:00Z'), '2028-02-29T00:00:00.000Z');
    assert.equal(next('0 0 30 2 *', '2024-01-01T00:00:00Z'), undefined);
  });

  it('@every adds the interval to the whole second', () => {
    assert.equal(next('@every 90s', '2024-01-01T12:00:00.500Z'), '2024-01-01T12:01:30.000Z');
  });

  it('evaluates the fields in the time zone', () => {
    // 09:00 in Tokyo is 00:00 UTC; Friday the 5th -> Monday the 8th.
    assert.equal(next('0 9 * * 1-5', '2024-01-05T00:00:00Z', 'Asia/Tokyo'), '2024-01-08T00:00:00.000Z');
    assert.equal(next('30 5 * * *', '2024-01-01T00:00:00Z', 'Asia/Kolkata'), '2024-01-02T00:00:00.000Z', 'IST is UTC+5:30');
    assert.equal(next('0 8 * * *', '2024-07-01T00:00:00Z', 'Europe/Paris'), '2024-07-01T06:00:00.000Z', 'CEST is UTC+2');
    assert.equal(next('0 8 * * *', '2024-12-01T00:00:00Z', 'Europe/Paris'), '2024-12-01T07:00:00.000Z', 'CET is UTC+1');
    assert.equal(next('TZ=Europe/Paris 0 8 * * *', '2024-07-01T00:00:00Z', 'Asia/Tokyo'), '2024-07-01T06:00:00.000Z', 'a TZ= prefix wins');
  });

  it('skips a wall time that spring-forward removes', () => {
    // New York, 2024-03-10: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist that day.
    assert.deepEqual(series('30 2 * * *', '2024-03-08T12:00:00Z', 'America/New_York', 3), ['2024-03-09T02:30:00-05:00', '2024-03-11T02:30:00-04:00', '2024-03-12T02:30:00-04:00']);
    // An hourly job runs 23 times that day.
    const hourly = series('0 * * * *', '2024-03-10T04:30:00Z', 'America/New_York', 4);
    assert.deepEqual(hourly, ['2024-03-10T00:00:00-05:00', '2024-03-10T01:00:00-05:00', '2024-03-10T03:00:00-04:00', '2024-03-10T04:00:00-04:00']);
  });

  it('runs twice at a wall time that fall-back repeats', () => {
    // New York, 2024-11-03: 02:00 EDT falls back to 01:00 EST, so 01:30 happens twice.
    assert.deepEqual(series('30 1 * * *', '2024-11-02T12:00:00Z', 'America/New_York', 4), [
      '2024-11-03T01:30:00-04:00',
      '2024-11-03T01:30:00-05:00',
      '2024-11-04T01:30:00-05:00',
      '2024-11-05T01:30:00-05:00',
    ]);
  });
});

describe('zoned wall-clock arithmetic (Go time.Date)', () => {
  it('normalises out-of-range fields and picks Go\'s offset in DST gaps and overlaps', () => {
    assert.equal(new Date(zonedDate(2024, 13, 1, 0, 0, 0, 'UTC')).toISOString(), '2025-01-01T00:00:00.000Z');
    assert.equal(new Date(zonedDate(2024, 2, 30, 0, 0, 0, 'UTC')).toISOString(), '2024-03-01T00:00:00.000Z');
    // 02:30 on 2024-03-10 does not exist in New York: Go lands on 01:30 EST.
    assert.equal(formatRfc3339InZone(zonedDate(2024, 3, 10, 2, 30, 0, 'America/New_York'), 'America/New_York'), '2024-03-10T01:30:00-05:00');
    // 01:30 on 2024-11-03 exists twice: Go picks the first (EDT).
    assert.equal(formatRfc3339InZone(zonedDate(2024, 11, 3, 1, 30, 0, 'America/New_York'), 'America/New_York'), '2024-11-03T01:30:00-04:00');
  });

  it('formats RFC 3339 with the zone offset, Z for UTC', () => {
    const t = Date.parse('2024-07-01T06:00:00Z');
    assert.equal(formatRfc3339InZone(t, ''), '2024-07-01T06:00:00Z');
    assert.equal(formatRfc3339InZone(t, 'Europe/Paris'), '2024-07-01T08:00:00+02:00');
    assert.equal(formatRfc3339InZone(t, 'Asia/Kolkata'), '2024-07-01T11:30:00+05:30');
    assert.equal(formatRfc3339InZone(t, 'America/New_York'), '2024-07-01T02:00:00-04:00');
  });
});
