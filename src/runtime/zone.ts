/**
 * Wall-clock arithmetic in IANA time zones over Intl.DateTimeFormat: what
 * date and time an instant shows in a zone, and the first instant at or after
 * a given local date and time. Instants are milliseconds since the epoch.
 *
 * Daylight-saving changes are why this is more than adding an offset: a local
 * time may not exist (spring forward) or exist twice (fall back). Windows and
 * earliest start times are predicates on the local wall clock, so the
 * question asked is always "the first instant whose wall clock reads at least
 * this", which has one answer in both cases: the transition for a skipped
 * time, the first occurrence for a repeated one.
 */

/** A calendar date with no zone: what a wall calendar shows. */
export interface CivilDate {
  readonly year: number;
  /** 1 to 12. */
  readonly month: number;
  /** 1 to 31. */
  readonly day: number;
}

/** What the wall clock of a zone shows at one instant. */
export interface WallTime extends CivilDate {
  /** Minutes after local midnight, 0 to 1439. */
  readonly minuteOfDay: number;
  readonly second: number;
  /** 0 for Monday to 6 for Sunday, as policies list days. */
  readonly weekday: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building them is the slow part of Intl. */
function formatterFor(zone: string): Intl.DateTimeFormat {
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

/** The wall clock of `zone` at `instant`, read through Intl. */
export function wallTime(instant: number, zone: string): WallTime {
  if (!Number.isFinite(instant)) throw new RangeError(`not an instant: ${instant}`);
  const fields: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = fields['year'] ?? NaN;
  const month = fields['month'] ?? NaN;
  const day = fields['day'] ?? NaN;
  // Some engines print midnight as 24 even with h23; it is the same day's 00.
  const hour = (fields['hour'] ?? NaN) % 24;
  const minute = fields['minute'] ?? NaN;
  const second = fields['second'] ?? NaN;
  return { year, month, day, minuteOfDay: hour * 60 + minute, second, weekday: weekdayOf({ year, month, day }) };
}

/** Offset of `zone` from UTC at `instant`, in milliseconds (east positive). */
export function offsetAt(instant: number, zone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const w = wallTime(whole, zone);
  return wallAsUtc(w, w.minuteOfDay, w.second) - whole;
}

/** 0 for Monday to 6 for Sunday. */
export function weekdayOf(date: CivilDate): number {
  return (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
}

/** The date `days` after `date` (negative goes back). */
export function addDays(date: CivilDate, days: number): CivilDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** `YYYY-MM-DD`, the way policies write dates. */
export function formatDate(date: CivilDate): string {
  return `${String(date.year).padStart(4, '0')}-${pad2(date.month)}-${pad2(date.day)}`;
}

/** `HH:MM` for minutes after midnight. */
export function formatMinutes(minuteOfDay: number): string {
  return `${pad2(Math.floor(minuteOfDay / 60))}:${pad2(minuteOfDay % 60)}`;
}

/** Days between two dates, `to` minus `from`. */
export function daysBetween(from: CivilDate, to: CivilDate): number {
  return Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / DAY_MS);
}

/**
 * The first instant, not before `notBefore`, at which the wall clock of
 * `zone` reads `date` at `minuteOfDay` (which may be 1440, the next
 * midnight). A time skipped by a spring-forward change maps to the change
 * itself; a time repeated by a fall-back change maps to its first occurrence
 * not before `notBefore`. Infinity when every occurrence is before it.
 */
export function firstInstantAtOrAfter(
  date: CivilDate,
  minuteOfDay: number,
  zone: string,
  notBefore = Number.NEGATIVE_INFINITY,
): number {
  const wall = wallAsUtc(date, minuteOfDay, 0);
  // Offsets change at most once within a day either side in every zone in use,
  // so the offsets a day apart are the only candidates.
  const offsets = new Set([offsetAt(wall - DAY_MS, zone), offsetAt(wall, zone), offsetAt(wall + DAY_MS, zone)]);
  const exact = [...offsets].map((o) => wall - o).filter((t) => offsetAt(t, zone) === wall - t);
  const later = exact.filter((t) => t >= notBefore);
  if (later.length > 0) return Math.min(...later);
  if (exact.length > 0) return Infinity;
  // Skipped: the answer is the change, the first instant whose wall clock is
  // past `wall`. Search between the candidates, to the minute, as zones change.
  const candidates = [...offsets].map((o) => wall - o);
  let lo = Math.min(...candidates) - HOUR_MS;
  let hi = Math.max(...candidates) + HOUR_MS;
  const reached = (t: number) => t + offsetAt(t, zone) >= wall;
  while (hi - lo > MINUTE_MS) {
    const mid = Math.floor((lo + hi) / 2 / MINUTE_MS) * MINUTE_MS;
    if (mid <= lo || mid >= hi) break;
    if (reached(mid)) hi = mid;
    else lo = mid;
  }
  return hi >= notBefore ? hi : Infinity;
}

/** The wall time as if it were UTC, in milliseconds; the base of offset arithmetic. */
function wallAsUtc(date: CivilDate, minuteOfDay: number, second: number): number {
  return Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE_MS + second * 1000;
}

/** Short zone name at an instant, such as `CET` or `GMT-4`, for people reading a plan. */
export function zoneAbbreviation(instant: number, zone: string): string {
  let f = nameFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' });
    nameFormatters.set(zone, f);
  }
  return f.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? zone;
}

const nameFormatters = new Map<string, Intl.DateTimeFormat>();

/** `2026-11-20 09:00` on the wall clock of `zone`. */
export function formatLocal(instant: number, zone: string): string {
  const w = wallTime(instant, zone);
  return `${formatDate(w)} ${formatMinutes(w.minuteOfDay)}`;
}

/** RFC 3339 in UTC to the second: `2026-11-20T09:00:00Z`. */
export function formatUtc(instant: number): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds of an RFC 3339 time with its zone (`Z` or an offset), or
 * undefined. A time without a zone is refused: it would mean the reader's.
 */
export function parseInstant(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const t = Date.parse(value.replace(' ', 'T'));
  if (!Number.isFinite(t)) return undefined;
  // Date.parse rolls 2026-02-31 over into March; a real date reads back the same day.
  const offsetMatch = /([+-])(\d{2}):(\d{2})$/.exec(value);
  const offset = offsetMatch
    ? (offsetMatch[1] === '-' ? -1 : 1) * (Number(offsetMatch[2]) * 60 + Number(offsetMatch[3])) * 60_000
    : 0;
  return new Date(t + offset).getUTCDate() === day ? t : undefined;
}

/** Parse `YYYY-MM-DD` (already validated by the policy schema). */
export function parseDate(value: string): CivilDate {
  const [y, m, d] = value.split('-').map(Number);
  return { year: y ?? NaN, month: m ?? NaN, day: d ?? NaN };
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
