/**
 * The judge's input file: `{"<metric>": {"baseline": [...], "canary": [...]}}`,
 * where `null` stands for a missing point (NaN). JSON has no infinity, so
 * Prometheus' spellings "+Inf", "-Inf" and "NaN" are read as those values
 * (as is a number too large for a double, such as 1e999): a latency past the
 * histogram's top bucket must reach the judge, which holds on it. Anything
 * else is a mistake named by file, line and field.
 */

import { ConfigurationError } from '../../runtime/errors.js';
import type { JudgeInput, MetricSamples } from './types.js';

const SPECIAL: Readonly<Record<string, number>> = { '+Inf': Number.POSITIVE_INFINITY, Inf: Number.POSITIVE_INFINITY, '-Inf': Number.NEGATIVE_INFINITY, NaN: Number.NaN };

/** Parses and checks the text of an input file. */
export function parseJudgeInput(text: string, file: string): JudgeInput {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ConfigurationError(`not valid JSON: ${(err as Error).message}`, { file });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new ConfigurationError('expected an object mapping each metric name to {"baseline": [...], "canary": [...]}', { file, line: 1 });
  }
  const problems: ConfigurationError[] = [];
  const input: Record<string, MetricSamples> = {};
  for (const [name, value] of Object.entries(doc as Record<string, unknown>)) {
    const line = lineOf(text, name);
    const at = (field: string, message: string): void => {
      problems.push(new ConfigurationError(message, { file, ...(line ? { line } : {}), field }));
    };
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      at(name, 'expected {"baseline": [...], "canary": [...]}');
      continue;
    }
    const sides = value as Record<string, unknown>;
    for (const key of Object.keys(sides)) {
      if (key !== 'baseline' && key !== 'canary') at(`${name}.${key}`, 'unknown field; expected "baseline" and "canary"');
    }
    const read = (side: 'baseline' | 'canary'): (number | null)[] => {
      const raw = sides[side];
      if (!Array.isArray(raw)) {
        at(`${name}.${side}`, raw === undefined ? 'missing required field: an array of numbers (null for a missing point)' : 'expected an array of numbers (null for a missing point)');
        return [];
      }
      const out: (number | null)[] = [];
      raw.forEach((v, i) => {
        if (v === null || typeof v === 'number') out.push(v);
        else if (typeof v === 'string' && v in SPECIAL) out.push(SPECIAL[v] as number);
        else at(`${name}.${side}[${i}]`, `expected a number or null, got ${JSON.stringify(v)} (numbers, null, "+Inf", "-Inf" or "NaN")`);
      });
      return out;
    };
    input[name] = { baseline: read('baseline'), canary: read('canary') };
  }
  if (problems.length > 0) throw ConfigurationError.aggregate(problems);
  return input;
}

/** The 1-based line where a metric's key appears, if it can be found. */
function lineOf(text: string, key: string): number | undefined {
  const at = text.indexOf(`${JSON.stringify(key)}`);
  if (at < 0) return undefined;
  let line = 1;
  for (let i = 0; i < at; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
