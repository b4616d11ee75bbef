/**
 * The one shape every policy mistake takes, whatever found it: the YAML
 * parser, the duplicate-key check or a schema.
 */
import { ConfigurationError, formatLocated } from '../runtime/errors.js';

/** A field path as the schema and the document both see it. */
export type FieldPath = readonly PropertyKey[];

/** Where a problem is, inside one policy file. */
export interface ProblemLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly field?: string;
}

/**
 * One mistake in a policy file. Its `message` reads
 * `file:line: field: what was expected, got what`; `detail` is the part after
 * the field, and `column` is kept for editors and JSON even when the message
 * leaves it out.
 */
export class PolicyProblem extends ConfigurationError {
  readonly detail: string;
  readonly column: number | undefined;

  /**
   * @param columnInMessage YAML syntax errors name the column, because a
   *   line of YAML can hold several tokens; schema problems name the field
   *   instead, which says more.
   */
  constructor(detail: string, at: ProblemLocation, columnInMessage = false) {
    const { column, ...rest } = at;
    super(detail, columnInMessage ? at : rest);
    this.detail = detail;
    this.column = column;
  }
}

const PLAIN_KEY = /^[A-Za-z_][\w-]*$/;

/** `stages[2].weight`, `tiers.non-critical`, `labels["a b"]`. */
export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      if (PLAIN_KEY.test(key)) out += out === '' ? key : `.${key}`;
      else out += `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

/** Problems in reading order: by line, then column, then field. */
export function sortProblems<T extends PolicyProblem>(problems: readonly T[]): T[] {
  return [...problems].sort(
    (a, b) =>
      (a.location.line ?? 0) - (b.location.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      (a.location.field ?? '').localeCompare(b.location.field ?? ''),
  );
}

/**
 * Throw one ConfigurationError holding every problem (one line each, sorted
 * by line), or return when there are none.
 */
export function throwIfProblems(problems: readonly PolicyProblem[]): void {
  if (problems.length === 0) return;
  throw ConfigurationError.aggregate(sortProblems(problems));
}

/** Every PolicyProblem inside an error thrown by the policy layer. */
export function problemsOf(err: ConfigurationError): PolicyProblem[] {
  const inner = err.problems.length > 0 ? err.problems : [err];
  return inner.map((p) => {
    if (p instanceof PolicyProblem) return p;
    // Keep the location apart from the words, so that the file is not named twice when the problem is printed.
    const prefix = formatLocated('', p.location);
    const detail = prefix !== '' && p.message.startsWith(prefix) ? p.message.slice(prefix.length) : p.message;
    const { file, line, column, field } = p.location;
    return new PolicyProblem(
      detail,
      {
        file: file ?? '',
        ...(line !== undefined ? { line } : {}),
        ...(column !== undefined ? { column } : {}),
        ...(field !== undefined ? { field } : {}),
      },
      column !== undefined,
    );
  });
}
