/**
 * Field types shared by every policy kind. Each words its own errors, so a
 * user reads what was expected in the terms of the policy file, not the
 * schema library.
 */
import * as z from 'zod';
import { didYouMean } from '../runtime/did-you-mean.js';
import { describeValue } from './wording.js';

type Raw = { readonly input?: unknown };

/**
 * An error wording for a field: `expected <what>, got <value>`, or
 * `missing required field` when there is no value at all.
 */
function expecting(what: string, hint: (input: unknown) => string = () => '') {
  return (iss: Raw) =>
    iss.input === undefined
      ? 'missing required field'
      : `expected ${what}, got ${describeValue(iss.input)}${hint(iss.input)}`;
}

/** A number in [min, max]; `integer` also asks for a whole number. */
export function numberIn(min: number, max: number, options: { integer?: boolean } = {}) {
  const noun = options.integer ? 'a whole number' : 'a number';
  const error = expecting(`${noun} from ${min} to ${max}`);
  const base = options.integer ? z.int({ error }) : z.number({ error });
  return base.min(min, { error }).max(max, { error });
}

/** A percentage: a plain number from 0 to 100 (`50`, never `"50%"`). */
export function percent() {
  return numberIn(0, 100);
}

/** A whole number of at least `min`. */
export function count(min = 0) {
  const error = expecting(`a whole number of at least ${min}`);
  return z.int({ error }).min(min, { error });
}

/** A string with something in it. */
export function text() {
  const error = expecting('a non-empty string');
  return z.string({ error }).min(1, { error });
}

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Milliseconds in a duration such as `15m`, `1h30m`, `90s`, `2d` or `1w`
 * (units largest first, whole numbers), or undefined when it is not one.
 */
export function parseDuration(value: string): number | undefined {
  const match = DURATION.exec(value);
  if (!match || value === '') return undefined;
  const [, w, d, h, m, s] = match;
  const parts: [string | undefined, number][] = [
    [w, UNIT_MS.w],
    [d, UNIT_MS.d],
    [h, UNIT_MS.h],
    [m, UNIT_MS.m],
    [s, UNIT_MS.s],
  ];
  return parts.reduce((total, [digits, unit]) => total + (digits ? Number(digits) * unit : 0), 0);
}

/** `1h30m` for 5,400,000 ms: the shortest form parseDuration reads back. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of Object.entries(UNIT_MS)) {
    if (unit === 'w') continue;
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out === '' ? `${ms}ms` : out;
}

const DURATION_EXAMPLES = 'a duration such as "15m", "1h30m", "90s" or "2d"';

/**
 * A duration written as a string (`15m`, `1h30m`), parsed to milliseconds.
 * `min` is the shortest duration allowed, written the same way.
 */
export function duration(options: { min?: string } = {}) {
  const minMs = options.min === undefined ? 0 : (parseDuration(options.min) ?? 0);
  const typeError = expecting(DURATION_EXAMPLES, (input) =>
    typeof input === 'number' ? ` (a duration needs a unit, such as "${input}m")` : '',
  );
  return z.string({ error: typeError }).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: `expected ${DURATION_EXAMPLES}, got ${describeValue(value)}`,
      });
      return z.NEVER;
    }
    if (ms < minMs) {
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: `expected a duration of at least ${options.min}, got ${describeValue(value)}`,
      });
      return z.NEVER;
    }
    return ms;
  });
}

let zoneNames: string[] | undefined;

/**
 * True when Intl knows `name` as a time zone name (IANA names and `UTC`).
 * Fixed offsets such as `+01:00`, which Intl also accepts, are refused: they
 * ignore daylight saving time, so windows would drift twice a year.
 */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z]/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name such as `Europe/Paris` or `UTC`. */
export function timeZone() {
  const error = expecting('an IANA time zone such as "Europe/Paris" or "UTC"', (input) => {
    zoneNames ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
    return typeof input === 'string' ? didYouMean(input, zoneNames) : '';
  });
  return z.string({ error }).refine(isTimeZone, { error });
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight for `HH:MM` (24-hour clock), or undefined. */
export function parseTimeOfDay(value: string): number | undefined {
  if (value === '24:00') return 24 * 60;
  const match = TIME_OF_DAY.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** A time of day `HH:MM` on the 24-hour clock, kept as written. */
export function timeOfDay() {
  const error = expecting('a time of day "HH:MM" such as "09:00"');
  return z.string({ error }).refine((v) => v !== '24:00' && parseTimeOfDay(v) !== undefined, { error });
}

/** A span of hours `HH:MM-HH:MM`, parsed to minutes after midnight. */
export function hoursRange() {
  const error = expecting('hours "HH:MM-HH:MM" with the start before the end, such as "09:00-17:00"');
  const message = (input: string) => error({ input });
  return z.string({ error }).transform((value, ctx) => {
    const [from, to, ...extra] = value.split('-').map((p) => p.trim());
    const start = from === undefined || from === '24:00' ? undefined : parseTimeOfDay(from);
    const end = to === undefined ? undefined : parseTimeOfDay(to);
    if (extra.length > 0 || start === undefined || end === undefined || start >= end) {
      ctx.addIssue({ code: 'custom', input: value, message: message(value) });
      return z.NEVER;
    }
    return { start, end };
  });
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date `YYYY-MM-DD`. */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** A calendar date `YYYY-MM-DD`, kept as written. */
export function calendarDate() {
  const error = expecting('a date "YYYY-MM-DD" such as "2026-12-24"');
  return z.string({ error }).refine(isCalendarDate, { error });
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?$/;
const TEAM = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9._-]+$/;

/** A GitHub user login such as `octocat` (no leading `@`). */
export function githubUser() {
  const error = expecting('a GitHub user name such as "octocat" (without "@")');
  return z.string({ error }).regex(LOGIN, { error });
}

/** A GitHub team as `org/team-slug`. */
export function githubTeam() {
  const error = expecting('a GitHub team "org/team-slug" such as "acme/sre"');
  return z.string({ error }).regex(TEAM, { error });
}

/** A label name as GitHub accepts it: 1 to 50 characters. */
export function label() {
  const error = expecting('a label name of 1 to 50 characters');
  return z.string({ error }).min(1, { error }).max(50, { error });
}

/** The policy format version; only 1 exists. */
export function policyVersion() {
  return z.literal(1, { error: expecting('1 (the only policy version)') }).default(1);
}

/** Users and teams, both optional lists. */
export function people() {
  return z
    .strictObject({
      users: z.array(githubUser()).default([]),
      teams: z.array(githubTeam()).default([]),
    })
    .prefault({});
}
