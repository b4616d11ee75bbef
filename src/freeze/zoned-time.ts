/**
 * Wall-clock time in a named time zone, from the runtime's own time zone
 * database (Intl). Calendar SLO windows and calendar freezes are written in
 * the team's local time; daylight saving time must not move them.
 */
import { offsetAt, wallTime } from '../runtime/zone.js';

/** A local date and time in some zone; months are 1-12, weekday 0 = Sunday. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** The wall-clock reading in `zone` at `instant` (through the shared zone arithmetic of src/runtime/zone.ts). */
export function wallTimeAt(instant: Date, zone: string): WallTime {
  const w = wallTime(instant.getTime(), zone);
  return {
    year: w.year,
    month: w.month,
    day: w.day,
    hour: Math.floor(w.minuteOfDay / 60),
    minute: w.minuteOfDay % 60,
    second: w.second,
  };
}

/** 0 = Sunday … 6 = Saturday, of a wall date (the zone does not matter). */
export function weekdayOf(w: Pick<WallTime, 'year' | 'month' | 'day'>): number {
  return new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
}

function asUtcMs(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** How far `zone` is ahead of UTC at `instant`, in milliseconds. */
export function zoneOffsetMs(instant: Date, zone: string): number {
  return offsetAt(instant.getTime(), zone);
}

/**
 * The instant when clocks in `zone` read `w`. Fields may overflow (month 13,
 * day 0) as with Date.UTC. A time skipped by a daylight-saving jump resolves
 * to the instant just after the jump, as clocks themselves do.
 */
export function instantOf(w: WallTime, zone: string): Date {
  const local = asUtcMs(w);
  const first = local - zoneOffsetMs(new Date(local), zone);
  const second = local - zoneOffsetMs(new Date(first), zone);
  if (second === first) return new Date(first);
  // In a gap neither guess reads `w`; the later one is past it by the gap.
  const roundTrip = (t: number) => asUtcMs(wallTimeAt(new Date(t), zone)) === local;
  if (roundTrip(second)) return new Date(second);
  if (roundTrip(first)) return new Date(first);
  return new Date(Math.max(first, second));
}

/** Wall time `w` moved by whole calendar units, fields normalised. */
export function addCalendar(w: WallTime, units: { months?: number; days?: number }): WallTime {
  const d = new Date(
    Date.UTC(w.year, w.month - 1 + (units.months ?? 0), w.day + (units.days ?? 0), w.hour, w.minute, w.second),
  );
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}
