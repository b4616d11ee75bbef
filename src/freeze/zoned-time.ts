/**
 * Wall-clock time in a named time zone, from the runtime's own time zone
 * database (Intl). Calendar SLO windows and calendar freezes are written in
 * the team's local time; daylight saving time must not move them.
 */

/** A local date and time in some zone; months are 1-12, weekday 0 = Sunday. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock reading in `zone` at `instant`. */
export function wallTimeAt(instant: Date, zone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts['year'] ?? NaN,
    month: parts['month'] ?? NaN,
    day: parts['day'] ?? NaN,
    hour: parts['hour'] ?? NaN,
    minute: parts['minute'] ?? NaN,
    second: parts['second'] ?? NaN,
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
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return asUtcMs(wallTimeAt(new Date(whole), zone)) - whole;
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
  const d = new Date(Date.UTC(w.year, w.month - 1 + (units.months ?? 0), w.day + (units.days ?? 0), w.hour, w.minute, w.second));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}
