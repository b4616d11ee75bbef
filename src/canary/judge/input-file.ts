/**
 * The judge's input file: `{"<metric>": {"baseline": [...], "canary": [...]}}`,
 * where `null` stands for a missing point (NaN). A ratio metric (`kind: ratio`)
 * adds its denominators, `"baselineDenominator"` and `"canaryDenominator"`. JSON has no infinity, so
 * Prometheus' spellings "+Inf", "-Inf" and "NaN" are read as those values
 * (as is a number too large for a double, such as 1e999): a latency past the
 * histogram's top bucket must reach the judge, which holds on it. Anything
 * else is a mistake named by file, line and field.
 *
 * Reading is linear in the size of the file: line numbers are looked up only
 * for the metrics that have a mistake, in one forward scan.
 */

import { ConfigurationError } from '../../runtime/errors.js';
import type { JudgeInput, MetricSamples } from './types.js';

const SPECIAL: Readonly<Record<string, number>> = {
  '+Inf': Number.POSITIVE_INFINITY,
  Inf: Number.POSITIVE_INFINITY,
  '-Inf': Number.NEGATIVE_INFINITY,
  NaN: Number.NaN,
};

/** The fields of a metric's samples, in the order they are built. */
export const SIDES = ['baseline', 'canary', 'baselineDenominator', 'canaryDenominator'] as const;
export type Side = (typeof SIDES)[number];

/** Parses and checks the text of an input file. */
export function parseJudgeInput(text: string, file: string): JudgeInput {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigurationError(`not valid JSON: ${(err as Error).message}`, { file });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigurationError(
      'expected an object mapping each metric name to {"baseline": [...], "canary": [...]}',
      { file, line: 1 },
    );
  }
  const problems: { name: string; field: string; message: string }[] = [];
  const input: Record<string, MetricSamples> = {};
  for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
    const at = (field: string, message: string): void => {
      problems.push({ name, field, message });
    };
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      at(name, 'expected {"baseline": [...], "canary": [...]}');
      continue;
    }
    const sides = value as Record<string, unknown>;
    for (const key of Object.keys(sides)) {
      if (!SIDES.includes(key as Side))
        at(
          `${name}.${key}`,
          'unknown field; expected "baseline" and "canary" (and, for a ratio, "baselineDenominator" and "canaryDenominator")',
        );
    }
    const read = (side: Side): (number | null)[] => {
      const raw = sides[side];
      if (!Array.isArray(raw)) {
        at(
          `${name}.${side}`,
          raw === undefined
            ? 'missing required field: an array of numbers (null for a missing point)'
            : 'expected an array of numbers (null for a missing point)',
        );
        return [];
      }
      return pointsOf(raw, (i, v) =>
        at(
          `${name}.${side}[${i}]`,
          `expected a number or null, got ${JSON.stringify(v)} (numbers, null, "+Inf", "-Inf" or "NaN")`,
        ),
      );
    };
    const denominators = (['baselineDenominator', 'canaryDenominator'] as const).filter(
      (side) => sides[side] !== undefined,
    );
    input[name] = {
      baseline: read('baseline'),
      canary: read('canary'),
      ...Object.fromEntries(denominators.map((side) => [side, read(side)])),
    };
  }
  if (problems.length > 0) {
    const lines = linesOf(text, [...new Set(problems.map((p) => p.name))]);
    throw ConfigurationError.aggregate(
      problems.map((p) => {
        const line = lines.get(p.name);
        return new ConfigurationError(p.message, { file, ...(line ? { line } : {}), field: p.field });
      }),
    );
  }
  return input;
}

/**
 * The points of one side as parsed: the array itself unless it holds
 * spellings to convert (then a copy with them converted); anything else is
 * passed to `wrong` with its index.
 */
export function pointsOf(raw: readonly unknown[], wrong: (index: number, value: unknown) => void): (number | null)[] {
  let out = raw as (number | null)[];
  for (let i = 0; i < raw.length; i++) {
    const v: unknown = raw[i];
    if (v === null || typeof v === 'number') continue;
    if (out === raw) out = raw.slice() as (number | null)[];
    if (typeof v === 'string' && Object.hasOwn(SPECIAL, v)) out[i] = SPECIAL[v] as number;
    else wrong(i, v);
  }
  return out;
}

/**
 * The 1-based line where each metric's key first appears, in one pass for
 * keys in document order (which is how JSON.parse lists them, except keys
 * that look like array indexes, which it lists first: those are looked up
 * from the start).
 */
function linesOf(text: string, keys: readonly string[]): Map<string, number> {
  const lines = new Map<string, number>();
  let pos = 0;
  let line = 1;
  for (const key of keys) {
    const needle = JSON.stringify(key);
    let at = text.indexOf(needle, pos);
    if (at < 0) {
      at = text.indexOf(needle);
      if (at < 0) continue;
      pos = 0;
      line = 1;
    }
    for (let i = pos; i < at; i++) if (text.charCodeAt(i) === 10) line++;
    pos = at;
    lines.set(key, line);
  }
  return lines;
}
