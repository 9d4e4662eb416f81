import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { humanDuration, shortHumanDuration, translateTimestampSince } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;
const y = 365 * d;

describe('humanDuration (thresholds of util/duration.HumanDuration)', () => {
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'],
    [-1999, '0s'],
    [-1 * s, '0s'],
    [0, '0s'],
    [999, '0s'],
    [45 * s, '45s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [3 * m + 20 * s, '3m20s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m, '10m'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [5 * h + 3 * m, '5h3m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h, '8h'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [48 * h, '2d'],
    [2 * d + 3 * h, '2d3h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d, '8d'],
    [8 * d + 5 * h, '8d'],
    [729 * d, '729d'],
    [2 * y, '2y'],
    [2 * y + 45 * d, '2y45d'],
    [7 * y + 364 * d, '7y364d'],
    [8 * y, '8y'],
    [8 * y + 100 * d, '8y'],
    [30 * y, '30y'],
  ];
  for (const [ms, out] of cases) it(`${ms}ms -> ${out}`, () => assert.equal(humanDuration(ms), out));
});

describe('shortHumanDuration', () => {
  const cases: [number, string][] = [
    [-3 * s, '<invalid>'],
    [-1 * s, '0s'],
    [59 * s, '59s'],
    [60 * s, '1m'],
    [59 * m, '59m'],
    [23 * h, '23h'],
    [364 * d, '364d'],
    [2 * y + 10 * d, '2y'],
  ];
  for (const [ms, out] of cases) it(`${ms}ms -> ${out}`, () => assert.equal(shortHumanDuration(ms), out));
});

describe('translateTimestampSince', () => {
  it('prints the age of an RFC3339 time, or <unknown>', () => {
    const now = Date.parse('2024-05-01T12:05:00Z');
    assert.equal(translateTimestampSince('2024-05-01T12:00:00Z', now), '5m');
    assert.equal(translateTimestampSince('2024-04-29T09:00:00Z', now), '2d3h');
    assert.equal(translateTimestampSince(undefined, now), '<unknown>');
    assert.equal(translateTimestampSince('garbage', now), '<unknown>');
  });
});
