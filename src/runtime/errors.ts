/**
 * Errors that Bellwether distinguishes.
 *
 * A `ConfigurationError` is the user's mistake (a bad policy, a missing input,
 * an unknown provider type): it is reported plainly, without a stack, and the
 * CLI exits with 2. Anything else that escapes is a bug in Bellwether and is
 * reported with its stack so that it can be fixed.
 */

/** Where in a user's file a mistake was found. */
export interface SourceLocation {
  /** Path of the file as the user named it. */
  readonly file?: string;
  /** 1-based line number. */
  readonly line?: number;
  /** 1-based column number. */
  readonly column?: number;
  /** Field path inside the document, such as `stages[2].weight`. */
  readonly field?: string;
}

/** A mistake in what the user gave Bellwether: inputs, policies, files. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
  readonly location: SourceLocation;
  /** Further problems found in the same pass, so that none is lost. */
  readonly problems: readonly ConfigurationError[];

  constructor(message: string, location: SourceLocation = {}, problems: readonly ConfigurationError[] = []) {
    super(formatLocated(message, location));
    this.location = location;
    this.problems = problems;
  }

  /** One error standing for several, each kept with its own location. */
  static aggregate(problems: readonly ConfigurationError[]): ConfigurationError {
    if (problems.length === 1 && problems[0]) return problems[0];
    const text = problems.map((p) => p.message).join('\n');
    const err = new ConfigurationError(`${problems.length} problems:\n${text}`, {}, problems);
    return err;
  }
}

/** A capability whose implementation has not shipped yet. Never a fake success. */
export class NotAvailableError extends Error {
  override readonly name = 'NotAvailableError';
  constructor(capability: string) {
    super(`${capability} is not available yet in this version of Bellwether.`);
  }
}

/** True for errors that are the user's to fix rather than Bellwether's. */
export function isConfigurationError(err: unknown): err is ConfigurationError {
  return err instanceof ConfigurationError;
}

/** `file:line:col: field: message`, leaving out the parts that are unknown. */
export function formatLocated(message: string, loc: SourceLocation): string {
  let prefix = '';
  if (loc.file) {
    prefix = loc.file;
    if (loc.line) prefix += `:${loc.line}`;
    if (loc.line && loc.column) prefix += `:${loc.column}`;
    prefix += ': ';
  }
  if (loc.field) prefix += `${loc.field}: `;
  return prefix + message;
}

/** The message of anything thrown, without assuming it is an Error. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
