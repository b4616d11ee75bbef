/**
 * The start rules against brute force: for random zones, windows, blocked
 * dates and times around daylight-saving changes, the earliest allowed start
 * is the first 15-minute step whose wall clock, read by a separate Intl
 * formatter, is inside a window and not on a blocked date. Every offset in
 * use is a multiple of 15 minutes and every change falls on the quarter hour,
 * so the answer always lies on that grid.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WEEKDAYS } from '../../src/policy/schemas/waves.js';
import { blockedDateRule, earliestAllowed, earliestStartRule, windowRule } from '../../src/waves/constraints.js';
import { formatUtc } from '../../src/runtime/zone.js';
import { wavesPolicy } from './helpers.js';

/** Each zone with instants at its own daylight-saving changes of 2026, or a quiet day where it has none. */
const ZONE_ANCHORS: readonly (readonly [string, string])[] = [
  ['America/New_York', '2026-03-08T07:00:00Z'],
  ['America/New_York', '2026-11-01T06:00:00Z'],
  ['Europe/Berlin', '2026-03-29T01:00:00Z'],
  ['Europe/Berlin', '2026-10-25T01:00:00Z'],
  ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
  ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'],
  ['Pacific/Chatham', '2026-04-04T14:00:00Z'],
  ['Pacific/Chatham', '2026-09-26T14:00:00Z'],
  ['Asia/Kolkata', '2026-07-15T12:00:00Z'],
  ['Asia/Kathmandu', '2026-07-15T12:00:00Z'],
  ['America/Sao_Paulo', '2026-11-01T03:00:00Z'],
  ['UTC', '2026-07-15T12:00:00Z'],
];
const STEP = 15 * 60_000;

/** What the wall clock says, read independently of zone.ts. */
function reader(zone: string) {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const days: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
  return (t: number) => {
    const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
    return {
      weekday: days[p['weekday'] ?? ''] ?? -1,
      date: `${p['year']}-${p['month']}-${p['day']}`,
      minute: (Number(p['hour']) % 24) * 60 + Number(p['minute']),
    };
  };
}

/**
 * A window whose start is either anywhere or within two hours of the anchor's
 * local time, so that starts inside skipped and repeated hours come up often.
 */
const windowArb = fc.record({
  days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
  near: fc.boolean(),
  start: fc.integer({ min: 0, max: 95 }),
  shift: fc.integer({ min: -8, max: 8 }),
  length: fc.integer({ min: 1, max: 96 }),
});

function placeWindow(
  w: { days: number[]; near: boolean; start: number; shift: number; length: number },
  anchorMinute: number,
) {
  const quarter = w.near ? (((Math.floor(anchorMinute / 15) + w.shift) % 96) + 96) % 96 : w.start;
  return { days: w.days, start: quarter * 15, end: Math.min(1440, (quarter + w.length) * 15) };
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

describe('start rules against brute force', () => {
  it('the earliest allowed start is the first allowed quarter hour', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONE_ANCHORS),
        fc.array(windowArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: -24, max: 8 }),
        fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        ([zone, at], drawn, offsetSteps, blockedDay) => {
          const anchor = Date.parse(at);
          const now = anchor + offsetSteps * STEP;
          const read = reader(zone);
          const windows = drawn.map((w) => placeWindow(w, read(anchor).minute));
          const blockedDate = blockedDay === undefined ? undefined : read(now + blockedDay * 86_400_000).date;
          const policy = wavesPolicy({
            waves: [{ name: 'w', regions: ['r'] }],
            timeZone: zone,
            windows: windows.map((w) => ({
              days: w.days.map((d) => WEEKDAYS[d]),
              hours: `${hhmm(w.start)}-${w.end === 1440 ? '24:00' : hhmm(w.end)}`,
            })),
            blockedDates: blockedDate ? [{ from: blockedDate }] : [],
          });
          const allowed = (t: number) => {
            const w = read(t);
            return (
              w.date !== blockedDate &&
              windows.some((win) => win.days.includes(w.weekday) && w.minute >= win.start && w.minute < win.end)
            );
          };
          let expected: number | undefined;
          for (let t = now; t <= now + 16 * 86_400_000; t += STEP) {
            if (allowed(t)) {
              expected = t;
              break;
            }
          }
          const got = earliestAllowed([windowRule(policy), blockedDateRule(policy)], now).at;
          expect(got === undefined ? undefined : formatUtc(got)).toBe(
            expected === undefined ? undefined : formatUtc(expected),
          );
        },
      ),
      { numRuns: 400, seed: 20261122 },
    );
  });

  it('an earliest local start in another zone is the first quarter hour at or past it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONE_ANCHORS),
        fc.integer({ min: 0, max: 95 }),
        fc.integer({ min: -96, max: 96 }),
        ([zone, at], quarter, offsetSteps) => {
          const now = Date.parse(at) + offsetSteps * STEP;
          const read = reader(zone);
          let expected = now;
          while (read(expected).minute < quarter * 15) expected += STEP;
          const got = earliestAllowed([earliestStartRule('r', hhmm(quarter * 15), zone)], now).at;
          expect(got === undefined ? undefined : formatUtc(got)).toBe(formatUtc(expected));
        },
      ),
      { numRuns: 150, seed: 20261122 },
    );
  });
});
