import { describe, expect, it } from 'vitest';
import {
  addDays,
  firstInstantAtOrAfter,
  formatLocal,
  formatUtc,
  offsetAt,
  parseInstant,
  wallTime,
  weekdayOf,
} from '../../src/runtime/zone.js';

const date = (iso: string) => {
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  return { year, month, day };
};
const hm = (text: string) => {
  const [h, m] = text.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

describe('firstInstantAtOrAfter', () => {
  it.each([
    // [zone, local date, local time, expected UTC, why]
    ['UTC', '2026-11-20', '09:00', '2026-11-20T09:00:00Z', 'no offset'],
    ['Europe/Berlin', '2026-11-20', '09:00', '2026-11-20T08:00:00Z', 'CET is UTC+1'],
    ['Europe/Berlin', '2026-07-01', '09:00', '2026-07-01T07:00:00Z', 'CEST is UTC+2'],
    [
      'America/New_York',
      '2026-03-08',
      '02:30',
      '2026-03-08T07:00:00Z',
      'skipped by spring forward: the change itself (03:00 EDT)',
    ],
    ['America/New_York', '2026-03-08', '03:00', '2026-03-08T07:00:00Z', 'first time after the change'],
    ['America/New_York', '2026-03-08', '01:59', '2026-03-08T06:59:00Z', 'last minute before the change'],
    [
      'America/New_York',
      '2026-11-01',
      '01:30',
      '2026-11-01T05:30:00Z',
      'repeated by fall back: first occurrence (EDT)',
    ],
    ['America/New_York', '2026-11-01', '02:00', '2026-11-01T07:00:00Z', 'after fall back, EST'],
    ['Europe/Berlin', '2026-03-29', '02:30', '2026-03-29T01:00:00Z', 'skipped in Berlin: 03:00 CEST'],
    ['Europe/Berlin', '2026-10-25', '02:30', '2026-10-25T00:30:00Z', 'repeated in Berlin: first occurrence (CEST)'],
    ['Europe/Berlin', '2026-11-20', '24:00', '2026-11-20T23:00:00Z', '24:00 is the next midnight'],
    ['Asia/Kolkata', '2026-11-20', '09:00', '2026-11-20T03:30:00Z', 'half-hour offset'],
    ['Australia/Lord_Howe', '2026-10-04', '02:15', '2026-10-03T15:30:00Z', 'half-hour DST gap: the change at 02:30'],
  ])('%s %s %s → %s (%s)', (zone, day, time, expected) => {
    expect(formatUtc(firstInstantAtOrAfter(date(day), hm(time), zone))).toBe(expected);
  });
});

describe('firstInstantAtOrAfter not before an instant', () => {
  it.each([
    // [zone, local date, local time, not before, expected]
    ['America/New_York', '2026-11-01', '01:15', '2026-11-01T05:00:00Z', '2026-11-01T05:15:00Z'],
    ['America/New_York', '2026-11-01', '01:15', '2026-11-01T05:20:00Z', '2026-11-01T06:15:00Z'],
    ['America/New_York', '2026-11-01', '01:15', '2026-11-01T06:15:00Z', '2026-11-01T06:15:00Z'],
    ['America/New_York', '2026-11-01', '01:15', '2026-11-01T06:16:00Z', 'never'],
    ['America/New_York', '2026-03-08', '02:30', '2026-03-08T07:00:00Z', '2026-03-08T07:00:00Z'],
    ['America/New_York', '2026-03-08', '02:30', '2026-03-08T07:01:00Z', 'never'],
  ])('%s %s %s not before %s → %s', (zone, day, time, notBefore, expected) => {
    const t = firstInstantAtOrAfter(date(day), hm(time), zone, Date.parse(notBefore));
    expect(t === Infinity ? 'never' : formatUtc(t)).toBe(expected);
  });
});

describe('wallTime and offsetAt', () => {
  it('reads the local wall clock and weekday', () => {
    const w = wallTime(Date.parse('2026-11-20T23:30:00Z'), 'Europe/Berlin');
    expect(w).toMatchObject({ year: 2026, month: 11, day: 21, minuteOfDay: 30, weekday: 5 });
  });
  it.each([
    ['2026-03-08T06:59:00Z', 'America/New_York', -300],
    ['2026-03-08T07:00:00Z', 'America/New_York', -240],
    ['2026-11-01T05:59:00Z', 'America/New_York', -240],
    ['2026-11-01T06:00:00Z', 'America/New_York', -300],
    ['2026-10-25T00:59:00Z', 'Europe/Berlin', 120],
    ['2026-10-25T01:00:00Z', 'Europe/Berlin', 60],
  ])('offset at %s in %s is %i minutes', (iso, zone, minutes) => {
    expect(offsetAt(Date.parse(iso), zone) / 60_000).toBe(minutes);
  });
  it('shows the same local hour twice on a fall-back night', () => {
    expect(formatLocal(Date.parse('2026-11-01T05:30:00Z'), 'America/New_York')).toBe('2026-11-01 01:30');
    expect(formatLocal(Date.parse('2026-11-01T06:30:00Z'), 'America/New_York')).toBe('2026-11-01 01:30');
  });
});

describe('civil dates', () => {
  it('counts weekdays from Monday', () => {
    expect(weekdayOf(date('2026-11-23'))).toBe(0);
    expect(weekdayOf(date('2026-11-22'))).toBe(6);
  });
  it('adds days across months and leap days', () => {
    expect(addDays(date('2028-02-28'), 1)).toEqual(date('2028-02-29'));
    expect(addDays(date('2026-12-31'), 1)).toEqual(date('2027-01-01'));
    expect(addDays(date('2026-03-01'), -1)).toEqual(date('2026-02-28'));
  });
});

describe('parseInstant', () => {
  it.each([
    ['2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z'],
    ['2026-11-20T10:00:00+01:00', '2026-11-20T09:00:00Z'],
    ['2026-11-20T04:00:00.250-05:00', '2026-11-20T09:00:00Z'],
    ['2026-11-20T09:00Z', '2026-11-20T09:00:00Z'],
  ])('%s is %s', (text, expected) => {
    const t = parseInstant(text);
    expect(t === undefined ? undefined : formatUtc(t)).toBe(expected);
  });
  it.each(['2026-11-20T09:00:00', '2026-11-20', 'yesterday', '2026-02-31T09:00:00Z', '2026-11-20T25:00:00Z', ''])(
    'refuses %j',
    (text) => {
      expect(parseInstant(text)).toBeUndefined();
    },
  );
});
