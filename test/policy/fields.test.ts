import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  duration,
  formatDuration,
  hoursRange,
  isCalendarDate,
  isTimeZone,
  parseDuration,
  parseTimeOfDay,
} from '../../src/policy/fields.js';
import { parsePolicyText } from '../../src/policy/load.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('parseDuration', () => {
  it.each([
    ['15m', 15 * MIN],
    ['1h30m', 90 * MIN],
    ['90s', 90_000],
    ['2d', 48 * HOUR],
    ['1w', 7 * 24 * HOUR],
    ['1d2h3m4s', 24 * HOUR + 2 * HOUR + 3 * MIN + 4000],
    ['0s', 0],
  ])('%s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '15', 'm', '1.5h', '30m1h', '15 m', '15min', '-5m', '1h 30m', 'PT15M'])(
    '%j is not a duration',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it('reads back what formatDuration writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 24 * 3600 }), (seconds) => {
        expect(parseDuration(formatDuration(seconds * 1000))).toBe(seconds * 1000);
      }),
    );
  });
});

describe('field types in a policy', () => {
  const schema = z.strictObject({ soak: duration({ min: '1m' }), hours: hoursRange().optional() });
  const problem = (yaml: string): string => {
    try {
      parsePolicyText(yaml, 'p.yml', schema);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('expected a problem');
  };

  it.each([
    [
      'soak: 15',
      'p.yml:1: soak: expected a duration such as "15m", "1h30m", "90s" or "2d", got 15 (a duration needs a unit, such as "15m")',
    ],
    ['soak: 15 minutes', 'p.yml:1: soak: expected a duration such as "15m", "1h30m", "90s" or "2d", got "15 minutes"'],
    ['soak: 30s', 'p.yml:1: soak: expected a duration of at least 1m, got "30s"'],
    ['soak: [15m]', 'p.yml:1: soak: expected a duration such as "15m", "1h30m", "90s" or "2d", got a list'],
    [
      'soak: 1m\nhours: "17:00-09:00"',
      'p.yml:2: hours: expected hours "HH:MM-HH:MM" with the start before the end, such as "09:00-17:00", got "17:00-09:00"',
    ],
    [
      'soak: 1m\nhours: "9-17"',
      'p.yml:2: hours: expected hours "HH:MM-HH:MM" with the start before the end, such as "09:00-17:00", got "9-17"',
    ],
    ['hours: "09:00-17:00"', 'p.yml:1: soak: missing required field'],
  ])('%j', (yaml, message) => {
    expect(problem(yaml)).toBe(message);
  });

  it('parses durations to milliseconds and hours to minutes after midnight', () => {
    expect(parsePolicyText('soak: 1h30m\nhours: "09:00-24:00"', 'p.yml', schema)).toEqual({
      soak: 90 * MIN,
      hours: { start: 9 * 60, end: 24 * 60 },
    });
  });
});

describe('time zones, dates and times of day', () => {
  it.each([
    ['UTC', true],
    ['Europe/Paris', true],
    ['America/Argentina/Buenos_Aires', true],
    ['Europe/Pariss', false],
    ['Mars/Olympus_Mons', false],
    ['+01:00', false],
    ['-0500', false],
    ['', false],
  ])('time zone %j: %s', (name, ok) => {
    expect(isTimeZone(name)).toBe(ok);
  });

  it.each([
    ['2026-12-24', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-1-1', false],
    ['24/12/2026', false],
  ])('date %j: %s', (text, ok) => {
    expect(isCalendarDate(text)).toBe(ok);
  });

  it.each([
    ['00:00', 0],
    ['09:30', 570],
    ['23:59', 1439],
    ['24:00', 1440],
    ['24:01', undefined],
    ['9:30', undefined],
    ['12:60', undefined],
  ])('time of day %j is minute %j', (text, minutes) => {
    expect(parseTimeOfDay(text)).toBe(minutes);
  });
});
