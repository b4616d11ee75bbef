/**
 * Waivers, shared by every gate family: a rule accepted for a file glob or
 * one fingerprint, with a reason, an owner and a last day, after which the
 * finding is back and the expired waiver is itself reported.
 */
import { posix } from 'node:path';
import * as z from 'zod';
import { isCalendarDate } from '../../policy/fields.js';

/** A calendar date `YYYY-MM-DD`; YAML's unquoted dates arrive as Date and are taken back to text. */
export const isoDate = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v),
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date written YYYY-MM-DD' })
    .refine(isCalendarDate, { error: 'expected a real calendar date' }),
);

const nonEmpty = z.string().trim().min(1);

/** The waiver schema of a family, over its own rule ids. */
export function waiverSchema<R extends z.ZodType<string>>(ruleId: R) {
  return z
    .strictObject({
      /** The rule the waiver covers. */
      rule: ruleId,
      /** Glob of files it covers (posix paths relative to where the gate runs); all files when left out. */
      file: nonEmpty.optional(),
      /** One finding's fingerprint, to waive exactly one occurrence. */
      fingerprint: z
        .string()
        .regex(/^[0-9a-f]{32}$/, { error: 'expected a 32-character hexadecimal fingerprint' })
        .optional(),
      /** Why accepting the risk is right for now. Required: a waiver without one cannot be reviewed. */
      reason: nonEmpty,
      /** Who answers for it: a GitHub user or team. */
      owner: nonEmpty,
      /** Last day (UTC) the waiver applies; after it the finding is back and the waiver is reported. */
      expires: isoDate,
    })
    .refine((w) => w.file !== undefined || w.fingerprint !== undefined, {
      error: 'a waiver must name a file glob or a fingerprint',
    });
}

/** What matching needs of a waiver and of a finding. */
export interface WaiverLike {
  readonly rule: string;
  readonly file?: string;
  readonly fingerprint?: string;
  readonly expires: string;
}

/** True when the waiver's last day (UTC) is over at `now`. */
export function waiverExpired(w: Pick<WaiverLike, 'expires'>, now: Date): boolean {
  return Date.parse(`${w.expires}T00:00:00Z`) + 24 * 3600 * 1000 <= now.getTime();
}

/**
 * The one waiver rule of every family: the first waiver that covers a
 * finding and is not past its last day sets it aside. Each family says what
 * "covers" means (a rule and a file glob, a package, a setting).
 */
export function liveWaiver<W extends Pick<WaiverLike, 'expires'>>(
  waivers: readonly W[],
  covers: (w: W) => boolean,
  now: Date,
): W | undefined {
  return waivers.find((w) => !waiverExpired(w, now) && covers(w));
}

/** The waivers past their last day, each with its index in the policy (for its line): they cover nothing, and are reported. */
export function expiredWaivers<W extends Pick<WaiverLike, 'expires'>>(
  waivers: readonly W[],
  now: Date,
): Array<{ readonly waiver: W; readonly index: number }> {
  return waivers.flatMap((waiver, index) => (waiverExpired(waiver, now) ? [{ waiver, index }] : []));
}

/** True when the waiver covers the finding (its rule, and its fingerprint or file glob). */
export function waiverMatches(
  w: WaiverLike,
  f: { readonly ruleId: string; readonly fingerprint: string; readonly file: string },
): boolean {
  if (w.rule !== f.ruleId) return false;
  if (w.fingerprint !== undefined && w.fingerprint !== f.fingerprint) return false;
  return (
    w.file === undefined ||
    posix.matchesGlob(f.file.replace(/\\/g, '/').replace(/^\.\//, ''), w.file.replace(/^\.\//, ''))
  );
}
