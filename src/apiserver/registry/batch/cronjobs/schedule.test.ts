import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration, parseSchedule, scheduleError } from './schedule.js';

describe('cron schedule (robfig/cron ParseStandard)', () => {
  it('parses five fields with ranges, steps, lists and names', () => {
    const s = parseSchedule('*/15 9-17 1,15 jan-mar mon-fri');
    assert.equal(s.kind, 'spec');
    if (s.kind !== 'spec') return;
    assert.deepEqual([...s.minute], [0, 15, 30, 45]);
    assert.deepEqual([...s.hour], [9, 10, 11, 12, 13, 14, 15, 16, 17]);
    assert.deepEqual([...s.dom], [1, 15]);
    assert.deepEqual([...s.month], [1, 2, 3]);
    assert.deepEqual([...s.dow], [1, 2, 3, 4, 5]);
    assert.equal(s.domStar, false);
  });

  it('accepts descriptors', () => {
    for (const d of ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']) assert.equal(scheduleError(d), undefined, d);
    const hourly = parseSchedule('@hourly');
    assert.ok(hourly.kind === 'spec' && hourly.minute.size === 1 && hourly.hour.size === 24);
    assert.deepEqual(parseSchedule('@every 1h30m'), { kind: 'every', seconds: 5400, timeZone: undefined });
  });

  it('reports errors with robfig/cron messages', () => {
    assert.equal(scheduleError(''), 'empty spec string');
    assert.equal(scheduleError('* * *'), 'expected exactly 5 fields, found 3: [* * *]');
    assert.equal(scheduleError('60 * * * *'), 'end of range (60) above maximum (59): 60');
    assert.equal(scheduleError('* * 0 * *'), 'beginning of range (0) below minimum (1): 0');
    assert.equal(scheduleError('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
    assert.equal(scheduleError('*/0 * * * *'), 'step of range should be a positive number: */0');
    assert.equal(scheduleError('a * * * *'), 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax');
    assert.equal(scheduleError('1-2-3 * * * *'), 'too many hyphens: 1-2-3');
    assert.equal(scheduleError('1/2/3 * * * *'), 'too many slashes: 1/2/3');
    assert.equal(scheduleError('@fortnightly'), 'unrecognized descriptor: @fortnightly');
    assert.equal(scheduleError('@every 5'), 'failed to parse duration @every 5: time: missing unit in duration "5"');
    assert.equal(scheduleError('* * * foo *'), 'failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax');
  });

  it('reads Go durations', () => {
    assert.equal(parseGoDuration('1.5h'), 5400);
    assert.equal(parseGoDuration('300ms'), 0.3);
    assert.throws(() => parseGoDuration('1x'), /time: unknown unit "x" in duration "1x"/);
    assert.throws(() => parseGoDuration('x'), /time: invalid duration "x"/);
  });

  it('reads a TZ= prefix', () => {
    const s = parseSchedule('CRON_TZ=Europe/Berlin 0 3 * * *');
    assert.equal(s.timeZone, 'Europe/Berlin');
    assert.equal(scheduleError('TZ=Nowhere/City 0 3 * * *', () => false), 'provided bad location Nowhere/City: unknown time zone Nowhere/City');
  });
});
