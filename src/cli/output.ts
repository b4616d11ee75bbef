/**
 * What every CLI verb returns. Verbs are functions from arguments to this
 * value; the `bellwether` command prints it and exits with its code.
 *
 * Exit codes: 0 ok; 1 a negative decision (a failed gate, a rollback
 * verdict, a held canary); 2 a usage or configuration error.
 */
export interface CommandOutput {
  readonly exitCode: ExitCode;
  /** What goes to stdout: text, JSON or SARIF as the user asked. */
  readonly stdout: string;
}

export const ExitCode = {
  ok: 0,
  negative: 1,
  usage: 2,
  /** Not enough usable data to decide: hold and ask again later (the canary judge's NoData). 3 is an internal error. */
  hold: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Output formats; `sarif` only where findings are produced. */
export type OutputFormat = 'text' | 'json' | 'sarif';
