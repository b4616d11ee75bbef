/**
 * Holiday calendar files: a named list of dates on which no region it covers
 * starts. Calendars kept in the waves policy's `calendars` apply everywhere;
 * a file named on the command line (`--holidays FILE`) adds one for a plan.
 *
 * ```yaml
 * name: us
 * timeZone: America/New_York   # the region's (or the policy's) when left out
 * regions: [us-east-1, us-east-2]  # every region when left out
 * holidays:
 *   - { date: 2026-11-26, name: Thanksgiving Day }
 * ```
 */
import { didYouMean } from '../runtime/did-you-mean.js';
import { parsePolicyText, readPolicyText } from '../policy/load.js';
import { readPolicySource } from '../policy/yaml-source.js';
import { holidayCalendarSchema } from '../policy/schemas/waves.js';
import type { WavesPolicy } from '../policy/schemas/waves.js';
import { ConfigurationError } from '../runtime/errors.js';
import type { Files } from '../runtime/files.js';
import type { HolidayCalendar } from './settings.js';

export { holidayCalendarSchema };

/**
 * Read and validate calendar files; a region no wave of `policy` holds is a
 * ConfigurationError naming the file, since it is most likely a typo.
 */
export async function loadHolidayCalendars(
  paths: readonly string[],
  policy: WavesPolicy,
  files: Files,
): Promise<HolidayCalendar[]> {
  const known = policy.waves.flatMap((w) => w.regions);
  const calendars: HolidayCalendar[] = [];
  for (const path of paths) {
    const text = await readPolicyText(path, files);
    const calendar = parsePolicyText(text, path, holidayCalendarSchema);
    for (const [i, region] of (calendar.regions ?? []).entries()) {
      if (!known.includes(region)) {
        const { line } = readPolicySource(text, path).locate(['regions', i]);
        throw new ConfigurationError(
          `unknown region ${JSON.stringify(region)}: it is in no wave of the policy${didYouMean(region, known)}`,
          {
            file: path,
            line,
            field: `regions[${i}]`,
          },
        );
      }
    }
    calendars.push(calendar);
  }
  return calendars;
}
