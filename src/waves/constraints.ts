/**
 * When a region may start: the policy's start windows, its blocked dates, the
 * holiday calendars and the region's own earliest local start time. Each is a
 * predicate on some zone's wall clock with a `next` that finds the first
 * instant at or after a time that satisfies it; the earliest instant that
 * satisfies them all is found by applying each in turn until none moves.
 */
import type { WavesPolicy } from '../policy/schemas/waves.js';
import { WEEKDAYS } from '../policy/schemas/waves.js';
import { parseTimeOfDay } from '../policy/fields.js';
import type { HolidayCalendar } from './settings.js';
import type { Reason, ReasonKind } from './types.js';
import type { CivilDate } from '../runtime/zone.js';
import {
  addDays,
  firstInstantAtOrAfter,
  formatDate,
  formatLocal,
  formatMinutes,
  formatUtc,
  wallTime,
  weekdayOf,
  zoneAbbreviation,
} from '../runtime/zone.js';

/** The first instant at or after a time that one rule allows, and why it moved. */
export interface NextAllowed {
  /** Infinity when the rule never allows a start again. */
  readonly at: number;
  readonly detail?: string;
}

/** One rule on start times. */
export interface StartRule {
  readonly kind: ReasonKind;
  next(t: number): NextAllowed;
}

/** How far ahead a start is looked for before the rules are declared impossible. */
export const SEARCH_HORIZON_MS = 2 * 366 * 86_400_000;

/** `14:00 CET` style local time with the zone's abbreviation. */
export function localLabel(instant: number, zone: string): string {
  return `${formatLocal(instant, zone)} ${zoneAbbreviation(instant, zone)}`;
}

/** The zone a region's wall clock reads: its own, else the policy's. */
export function regionZone(policy: WavesPolicy, region: string): string {
  return policy.regionTimeZones[region] ?? policy.timeZone;
}

/** The policy's start windows, on `zone`'s wall clock: a start must fall on a listed day within its hours. */
export function windowRule(policy: WavesPolicy, zone: string = policy.timeZone): StartRule {
  const windows = policy.windows.map((w) => ({
    days: new Set(w.days.map((d) => WEEKDAYS.indexOf(d))),
    start: w.hours.start,
    end: w.hours.end,
  }));
  const inWindow = (t: number) => {
    const w = wallTime(t, zone);
    return windows.some((win) => win.days.has(w.weekday) && w.minuteOfDay >= win.start && w.minuteOfDay < win.end);
  };
  const summary = policy.windows
    .map((w) => `${describeDays(w.days)} ${formatMinutes(w.hours.start)}-${formatMinutes(w.hours.end)}`)
    .join(', ');
  return {
    kind: 'window',
    next(t) {
      if (inWindow(t)) return { at: t };
      const today = wallTime(t, zone);
      let best = Infinity;
      // Two weeks: a weekly window may fall into a skipped hour one week.
      for (let i = 0; i <= 14 && best === Infinity; i++) {
        const date = addDays(today, i);
        const weekday = weekdayOf(date);
        for (const win of windows) {
          if (!win.days.has(weekday)) continue;
          // Not before t: on a fall-back night the window's start may come round again.
          const at = firstInstantAtOrAfter(date, win.start, zone, t);
          if (at <= t || at >= best) continue;
          const w = wallTime(at, zone);
          // A window lying wholly in a skipped hour does not open that day.
          if (sameDate(w, date) && w.minuteOfDay < win.end) best = at;
        }
      }
      if (best === Infinity) return { at: best, detail: `no start window (${summary} ${zone}) opens again` };
      return {
        at: best,
        detail: `outside the start windows (${summary} ${zone}); the next opens ${localLabel(best, zone)}`,
      };
    },
  };
}

/** The policy's blocked dates, as dates in `zone`. */
export function blockedDateRule(policy: WavesPolicy, zone: string = policy.timeZone): StartRule {
  const ranges = policy.blockedDates.map((b) => ({
    from: b.from,
    to: b.to,
    label: `${b.from === b.to ? b.from : `${b.from} to ${b.to}`} blocked${b.reason ? ` (${b.reason})` : ''}`,
  }));
  return dateRule('blocked-date', zone, (date) => ranges.find((r) => r.from <= date && date <= r.to)?.label);
}

/** One holiday calendar, in its own zone or else `fallbackZone` (the region's). */
export function holidayRule(calendar: HolidayCalendar, fallbackZone: string): StartRule {
  const byDate = new Map(calendar.holidays.map((h) => [h.date, h.name]));
  const zone = calendar.timeZone ?? fallbackZone;
  return dateRule('holiday', zone, (date) => {
    const name = byDate.get(date);
    return name === undefined ? undefined : `${date} is a holiday in the ${calendar.name} calendar (${name})`;
  });
}

/** A region's earliest local start time, every day. */
export function earliestStartRule(region: string, time: string, zone: string): StartRule {
  const minute = parseTimeOfDay(time);
  if (minute === undefined) throw new RangeError(`not a time of day: ${time}`);
  return {
    kind: 'earliest-start',
    next(t) {
      const w = wallTime(t, zone);
      if (w.minuteOfDay >= minute) return { at: t };
      const at = firstInstantAtOrAfter(w, minute, zone, t);
      return {
        at,
        detail: `${region} starts no earlier than ${time} ${zone} each day; that is ${localLabel(at, zone)}`,
      };
    },
  };
}

/** Every rule that applies to a region, on its own wall clock; the policy's calendars come before `calendars` given beside it. */
export function startRules(policy: WavesPolicy, calendars: readonly HolidayCalendar[], region: string): StartRule[] {
  const zone = regionZone(policy, region);
  const rules = [windowRule(policy, zone), blockedDateRule(policy, zone)];
  for (const calendar of [...policy.calendars, ...calendars]) {
    if (calendar.regions === undefined || calendar.regions.includes(region)) rules.push(holidayRule(calendar, zone));
  }
  const earliest = policy.earliestStart[region];
  if (earliest) rules.push(earliestStartRule(region, earliest.time, earliest.timeZone ?? zone));
  return rules;
}

/** The earliest allowed start at or after `from`, and each rule that moved it. */
export interface AllowedStart {
  /** Undefined when no time within the search horizon satisfies every rule. */
  readonly at: number | undefined;
  readonly reasons: readonly Reason[];
}

/**
 * The first instant at or after `from` that every rule allows. Each rule's
 * `next` never passes the first common instant, so applying them in turn
 * until none moves reaches it.
 */
export function earliestAllowed(rules: readonly StartRule[], from: number): AllowedStart {
  const reasons: Reason[] = [];
  let t = from;
  for (;;) {
    let moved = false;
    for (const rule of rules) {
      const next = rule.next(t);
      if (next.at === Infinity || next.at - from > SEARCH_HORIZON_MS) {
        if (next.detail) reasons.push({ kind: rule.kind, until: formatUtc(t), detail: next.detail });
        return { at: undefined, reasons };
      }
      if (next.at < t)
        throw new Error(`start rule ${rule.kind} went back from ${formatUtc(t)} to ${formatUtc(next.at)}`);
      if (next.at > t) {
        reasons.push({ kind: rule.kind, until: formatUtc(next.at), detail: next.detail ?? rule.kind });
        t = next.at;
        moved = true;
      }
    }
    if (!moved) return { at: t, reasons };
  }
}

/** A rule that forbids whole local dates: a start waits for the next allowed date's midnight. */
function dateRule(kind: ReasonKind, zone: string, blocked: (date: string) => string | undefined): StartRule {
  return {
    kind,
    next(t) {
      let date: CivilDate = wallTime(t, zone);
      let label = blocked(formatDate(date));
      if (label === undefined) return { at: t };
      const labels: string[] = [];
      // Adjacent blocks chain; the horizon bounds a policy that blocks every day.
      for (let i = 0; label !== undefined && i < 800; i++) {
        if (!labels.includes(label)) labels.push(label);
        date = addDays(date, 1);
        label = blocked(formatDate(date));
      }
      if (label !== undefined) return { at: Infinity, detail: labels.join('; ') };
      const at = firstInstantAtOrAfter(date, 0, zone, t);
      return { at, detail: `${labels.join('; ')} in ${zone}; the next open day starts ${localLabel(at, zone)}` };
    },
  };
}

function sameDate(a: CivilDate, b: CivilDate): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

/** `mon-fri` for a run of days, `sat,sun` otherwise. */
function describeDays(days: readonly string[]): string {
  const idx = [...new Set(days.map((d) => WEEKDAYS.indexOf(d as (typeof WEEKDAYS)[number])))].sort((a, b) => a - b);
  const run = idx.length > 2 && idx.every((d, i) => i === 0 || d === (idx[i - 1] ?? -2) + 1);
  const name = (i: number) => WEEKDAYS[i] ?? '?';
  if (run) return `${name(idx[0] ?? 0)}-${name(idx[idx.length - 1] ?? 0)}`;
  return idx.map(name).join(',');
}
