/**
 * Calendar time for freezes: which calendar freezes hold at an instant, and
 * the current period of a calendar SLO window. Both are read in the time zone
 * the team wrote, so daylight saving time does not move them.
 */
import type { CalendarFreeze } from '../policy/schemas/freeze-gate.js';
import { WEEKDAYS } from '../policy/schemas/freeze-gate.js';
import type { SloWindow } from './openslo.js';
import { addCalendar, instantOf, wallTimeAt, weekdayOf } from './zoned-time.js';
import type { WallTime } from './zoned-time.js';

/** A calendar freeze that holds now, and why in words. */
export interface ActiveFreeze {
  readonly freeze: CalendarFreeze;
  readonly reason: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

/** Whether `freeze` holds at `now`, read on the wall clock of its time zone. */
export function calendarFreezeAt(freeze: CalendarFreeze, now: Date): ActiveFreeze | undefined {
  const w = wallTimeAt(now, freeze.timeZone);
  const date = `${w.year}-${pad(w.month)}-${pad(w.day)}`;
  const local = `${date} ${pad(w.hour)}:${pad(w.minute)} ${freeze.timeZone}`;
  if (freeze.dates) {
    if (date >= freeze.dates.from && date <= freeze.dates.to) {
      return {
        freeze,
        reason: `calendar freeze "${freeze.name}" from ${freeze.dates.from} to ${freeze.dates.to} holds at ${local}`,
      };
    }
    return undefined;
  }
  if (freeze.yearly) {
    const { from, to } = freeze.yearly;
    const key = w.month * 100 + w.day;
    const a = from.month * 100 + from.day;
    const b = to.month * 100 + to.day;
    // A range such as 12-20 to 01-03 crosses New Year.
    const inside = a <= b ? key >= a && key <= b : key >= a || key <= b;
    if (!inside) return undefined;
    return {
      freeze,
      reason: `calendar freeze "${freeze.name}" every year from ${pad(from.month)}-${pad(from.day)} to ${pad(to.month)}-${pad(to.day)} holds at ${local}`,
    };
  }
  if (freeze.weekly) {
    const day = WEEKDAYS[weekdayOf(w)];
    if (day === undefined || !freeze.weekly.days.includes(day)) return undefined;
    const minute = w.hour * 60 + w.minute;
    const hours = freeze.weekly.hours;
    if (hours && (minute < hours.start || minute >= hours.end)) return undefined;
    const span = hours ? ` ${hhmm(hours.start)}-${hhmm(hours.end)}` : '';
    return {
      freeze,
      reason: `calendar freeze "${freeze.name}" every ${freeze.weekly.days.join(', ')}${span} holds at ${local}`,
    };
  }
  return undefined;
}

/** Every calendar freeze that holds at `now`. */
export function activeCalendarFreezes(freezes: readonly CalendarFreeze[], now: Date): ActiveFreeze[] {
  return freezes.flatMap((f) => calendarFreezeAt(f, now) ?? []);
}

/** A span of time, start included, end excluded. */
export interface Period {
  readonly start: Date;
  readonly end: Date;
}

function stepUnits(window: Extract<SloWindow, { kind: 'calendar' }>, k: number): { months?: number; days?: number } {
  switch (window.unit) {
    case 'd':
      return { days: window.count * k };
    case 'w':
      return { days: 7 * window.count * k };
    case 'M':
      return { months: window.count * k };
    case 'Q':
      return { months: 3 * window.count * k };
    case 'Y':
      return { months: 12 * window.count * k };
  }
}

/**
 * The SLO period that contains `at`: for a rolling window the `ms` before it,
 * for a calendar window the calendar period (counted from its start time in
 * its zone) that `at` falls in.
 */
export function sloPeriodAt(window: SloWindow, at: Date): Period {
  if (window.kind === 'rolling') return { start: new Date(at.getTime() - window.ms), end: at };
  const startOf = (k: number): Date => instantOf(addCalendar(window.start, stepUnits(window, k)), window.timeZone);
  // Estimate the number of whole periods, then correct by stepping.
  const approxMs =
    window.unit === 'd'
      ? 86_400_000 * window.count
      : window.unit === 'w'
        ? 604_800_000 * window.count
        : 30.44 * 86_400_000 * (window.unit === 'M' ? 1 : window.unit === 'Q' ? 3 : 12) * window.count;
  let k = Math.floor((at.getTime() - startOf(0).getTime()) / approxMs);
  while (startOf(k).getTime() > at.getTime()) k--;
  while (startOf(k + 1).getTime() <= at.getTime()) k++;
  return { start: startOf(k), end: startOf(k + 1) };
}

/** `2026-03-01 00:00` as read in `zone`. */
export function formatWall(w: WallTime): string {
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
}
