/**
 * Turning schema (zod) issues into PolicyProblems: plain words for every
 * issue, the line of the offending node, and a field path such as
 * `stages[2].weight`. Every issue becomes a problem; none is dropped.
 */
import type * as z from 'zod';
import { didYouMean } from '../runtime/did-you-mean.js';
import { formatFieldPath, PolicyProblem } from './problems.js';
import type { PolicySource } from './yaml-source.js';
import { describeValue, listChoices, plural } from './wording.js';

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

const TYPE_NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

/**
 * The message for an issue whose schema did not word its own. Field types in
 * src/policy/fields.ts word theirs, so these cover the plain cases.
 */
export function plainMessage(issue: RawIssue): string | undefined {
  const got = describeValue(issue.input);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'missing required field';
      return `expected ${TYPE_NOUNS[issue.expected] ?? issue.expected}, got ${got}`;
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const limit = Number(small ? issue.minimum : issue.maximum);
      if (issue.origin === 'array') {
        const count = Array.isArray(issue.input) ? issue.input.length : 0;
        return `expected ${small ? 'at least' : 'at most'} ${plural(limit, 'item')}, got ${count}`;
      }
      if (issue.origin === 'string') {
        if (small && limit === 1) return `expected a non-empty string, got ${got}`;
        return `expected ${small ? 'at least' : 'at most'} ${plural(limit, 'character')}, got ${got}`;
      }
      const bound = small
        ? issue.inclusive === false
          ? 'greater than'
          : 'of at least'
        : issue.inclusive === false
          ? 'less than'
          : 'of at most';
      return `expected a number ${bound} ${limit}, got ${got}`;
    }
    case 'invalid_value': {
      if (issue.values.length === 1) return `expected ${listChoices(issue.values)}, got ${got}`;
      const names = issue.values.filter((v): v is string => typeof v === 'string');
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, names) : '';
      return `expected one of ${listChoices(issue.values)}, got ${got}${hint}`;
    }
    case 'invalid_format':
      return `expected a string in ${issue.format} format, got ${got}`;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}, got ${got}`;
    case 'invalid_union':
      return `expected one of the allowed forms, got ${got}`;
    default:
      return undefined;
  }
}

/** The keys a strict object schema allows, read from the issue's schema. */
function shapeKeys(issue: RawIssue): string[] | undefined {
  const shape = (issue.inst as { shape?: unknown } | undefined)?.shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : undefined;
}

/**
 * Validate `source.data` against `schema`. Returns the parsed value, or every
 * problem found, each located at its line.
 */
export function validateSource<T>(
  source: PolicySource,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; problems: PolicyProblem[] } {
  // An unknown-key issue carries only the offending keys; the allowed ones
  // (for "did you mean") are on the schema, which zod shows only to the map.
  const allowedKeys = new Map<unknown, string[]>();
  const result = schema.safeParse(source.data, {
    reportInput: true,
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') allowedKeys.set(issue.input, shapeKeys(issue) ?? []);
      return plainMessage(issue);
    },
  });
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.flatMap((issue) => toProblems(issue, source, allowedKeys));
  return { ok: false, problems };
}

function toProblems(issue: Issue, source: PolicySource, allowedKeys: Map<unknown, string[]>): PolicyProblem[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys.get(issue.input) ?? [];
    return issue.keys.map((key) => {
      const path = [...issue.path, key];
      const hint = didYouMean(key, allowed);
      const fallback = hint === '' && allowed.length > 0 ? `; expected one of ${listChoices(allowed)}` : '';
      return new PolicyProblem(`unknown key ${JSON.stringify(key)}${hint}${fallback}`, {
        file: source.file,
        ...source.locate(path, true),
        field: formatFieldPath(path),
      });
    });
  }
  return [
    new PolicyProblem(issue.message, {
      file: source.file,
      ...source.locate(issue.path),
      field: issue.path.length > 0 ? formatFieldPath(issue.path) : undefined,
    }),
  ];
}
