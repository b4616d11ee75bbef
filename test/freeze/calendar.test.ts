import { describe, expect, it } from 'vitest';
import { activeCalendarFreezes, sloPeriodAt } from '../../src/freeze/calendar.js';
import { freezeGatePolicySchema } from '../../src/policy/schemas/freeze-gate.js';
import type { SloWindow } from '../../src/freeze/openslo.js';
import { instantOf, wallTimeAt } from '../../src/freeze/zoned-time.js';

function freezes(list: unknown[]) {
  return freezeGatePolicySchema.parse({ kind: 'freeze', calendarFreezes: list }).calendarFreezes;
}

describe('calendar freezes', () => {
  const yearEnd = { name: 'year-end', timeZone: 'Europe/Paris', dates: { from: '2026-12-20', to: '2027-01-03' } };
  const holidays = { name: 'holidays', timeZone: 'America/New_York', yearly: { from: '12-24', to: '01-01' } };
  const fridays = {
    name: 'friday-afternoons',
    timeZone: 'America/New_York',
    weekly: { days: ['fri'], hours: '15:00-24:00' },
  };

  it.each([
    // instant (UTC), freeze, holds
    ['2026-12-19T22:59:59Z', yearEnd, false], // 23:59:59 in Paris on the 19th
    ['2026-12-19T23:00:00Z', yearEnd, true], // midnight in Paris on the 20th
    ['2027-01-03T22:59:59Z', yearEnd, true], // last second of the 3rd in Paris
    ['2027-01-03T23:00:00Z', yearEnd, false],
    ['2026-12-24T05:00:00Z', holidays, true], // midnight in New York
    ['2026-12-24T04:59:59Z', holidays, false],
    ['2027-01-01T12:00:00Z', holidays, true], // crosses New Year
    ['2027-01-02T12:00:00Z', holidays, false],
    ['2026-11-20T20:00:00Z', fridays, true], // Friday 15:00 EST
    ['2026-11-20T19:59:59Z', fridays, false],
    ['2026-11-21T04:59:59Z', fridays, true], // Friday 23:59:59 EST
    ['2026-11-21T05:00:00Z', fridays, false], // Saturday
    ['2026-07-17T19:00:00Z', fridays, true], // Friday 15:00 EDT: daylight saving time does not move it
  ] as const)('at %s, %s holds: %s', (at, freeze, holds) => {
    const active = activeCalendarFreezes(freezes([freeze]), new Date(at));
    expect(active.length > 0).toBe(holds);
    if (holds) expect(active[0]?.reason).toContain(`calendar freeze "${freeze.name}"`);
  });

  it('words the reason with the local time', () => {
    const [active] = activeCalendarFreezes(freezes([fridays]), new Date('2026-11-20T20:30:00Z'));
    expect(active?.reason).toBe(
      'calendar freeze "friday-afternoons" every fri 15:00-24:00 holds at 2026-11-20 15:30 America/New_York',
    );
  });

  it('refuses a freeze with no schedule or two, and one that blocks rollbacks', () => {
    const check = (f: unknown) =>
      freezeGatePolicySchema.safeParse({ kind: 'freeze', calendarFreezes: [f] }).error?.issues.map((i) => i.message);
    expect(check({ name: 'x', timeZone: 'UTC' })).toEqual(['give exactly one of dates, yearly or weekly']);
    expect(check({ ...yearEnd, yearly: { from: '12-24', to: '12-26' } })).toEqual([
      'give exactly one of dates, yearly or weekly, not dates and yearly',
    ]);
    expect(check({ ...yearEnd, block: ['feature', 'rollback'] })).toEqual([
      'rollbacks are never blocked; remove "rollback" from this list',
    ]);
    expect(check({ ...yearEnd, dates: { from: '2027-01-03', to: '2026-12-20' } })).toEqual([
      'expected a date on or after 2027-01-03, got "2026-12-20"',
    ]);
    expect(check({ name: 'x', timeZone: 'UTC', yearly: { from: '02-30', to: '03-01' } })?.[0]).toContain(
      'expected a day of the year "MM-DD"',
    );
  });
});

describe('sloPeriodAt', () => {
  const monthly: SloWindow = {
    kind: 'calendar',
    count: 1,
    unit: 'M',
    start: { year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0 },
    timeZone: 'Europe/Paris',
    text: '1M',
  };

  it('is the last `ms` for a rolling window', () => {
    const at = new Date('2026-11-22T12:00:00Z');
    expect(sloPeriodAt({ kind: 'rolling', ms: 86_400_000, text: '1d' }, at)).toEqual({
      start: new Date('2026-11-21T12:00:00Z'),
      end: at,
    });
  });

  it.each([
    ['2026-11-22T12:00:00Z', '2026-10-31T23:00:00.000Z', '2026-11-30T23:00:00.000Z'],
    ['2026-03-31T22:00:00Z', '2026-03-31T22:00:00.000Z', '2026-04-30T22:00:00.000Z'], // April starts after the switch to summer time
    ['2026-03-31T21:59:59Z', '2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z'],
    ['2025-12-15T00:00:00Z', '2025-11-30T23:00:00.000Z', '2025-12-31T23:00:00.000Z'], // before the start time: periods extend back
  ])('puts %s in the month from %s to %s, Paris time', (at, start, end) => {
    const period = sloPeriodAt(monthly, new Date(at));
    expect([period.start.toISOString(), period.end.toISOString()]).toEqual([start, end]);
  });

  it('steps quarters and weeks from their start', () => {
    const quarter: SloWindow = { ...monthly, unit: 'Q', timeZone: 'UTC' };
    const q = sloPeriodAt(quarter, new Date('2026-11-22T00:00:00Z'));
    expect([q.start.toISOString(), q.end.toISOString()]).toEqual([
      '2026-10-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
    const week: SloWindow = {
      kind: 'calendar',
      count: 1,
      unit: 'w',
      start: { year: 2026, month: 1, day: 5, hour: 0, minute: 0, second: 0 },
      timeZone: 'UTC',
      text: '1w',
    };
    const w = sloPeriodAt(week, new Date('2026-11-22T12:00:00Z'));
    expect([w.start.toISOString(), w.end.toISOString()]).toEqual([
      '2026-11-16T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ]);
  });
});

describe('zoned time', () => {
  it('round-trips wall time through a daylight-saving change', () => {
    const at = new Date('2026-10-25T00:30:00Z'); // 02:30 CEST, an hour before clocks go back
    const w = wallTimeAt(at, 'Europe/Paris');
    expect(w).toEqual({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 });
    expect(instantOf({ ...w, hour: 12 }, 'Europe/Paris').toISOString()).toBe('2026-10-25T11:30:00.000Z');
  });

  it('moves a skipped local time forward by the gap, 02:30 to 03:30', () => {
    // 02:30 does not exist in Paris on 2026-03-29.
    expect(
      instantOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 }, 'Europe/Paris').toISOString(),
    ).toBe('2026-03-29T01:30:00.000Z');
  });
});
