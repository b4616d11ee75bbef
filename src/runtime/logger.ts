import { processSecrets } from './secrets.js';

/**
 * The logging port. Orchestration code logs through it; the action entrypoint
 * binds it to `@actions/core`, the CLI to stderr, and tests to a recorder.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string, where?: AnnotationPlace): void;
  error(message: string, where?: AnnotationPlace): void;
  /** Hide a value (a token) from every later log line. */
  mask(secret: string): void;
}

/** Where an annotation points, as GitHub's workflow commands take it. */
export interface AnnotationPlace {
  readonly file?: string;
  readonly startLine?: number;
  readonly endLine?: number;
  readonly title?: string;
}

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

/** One line a `RecordingLogger` kept. */
export interface LogRecord {
  readonly level: LogLevel;
  readonly message: string;
  readonly where?: AnnotationPlace;
}

/** Replaces every masked secret in `text` with `***`. */
export function redact(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/** A logger's masking: its own secrets, then every secret the process registered. */
function hide(text: string, secrets: ReadonlySet<string>): string {
  return processSecrets.redact(redact(text, secrets));
}

/**
 * Logs to a stream (stderr by default) for the CLI; debug lines only when
 * verbose. A masked value is hidden from every later line and registered for
 * the whole process, as the runner's `add-mask` does in Actions.
 */
export class StreamLogger implements Logger {
  private readonly secrets = new Set<string>();
  constructor(
    private readonly write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
    private readonly verbose = false,
  ) {}
  debug(message: string): void {
    if (this.verbose) this.write(hide(`debug: ${message}`, this.secrets));
  }
  info(message: string): void {
    this.write(hide(message, this.secrets));
  }
  warning(message: string, where?: AnnotationPlace): void {
    this.write(hide(`warning: ${placePrefix(where)}${message}`, this.secrets));
  }
  error(message: string, where?: AnnotationPlace): void {
    this.write(hide(`error: ${placePrefix(where)}${message}`, this.secrets));
  }
  mask(secret: string): void {
    if (!secret) return;
    this.secrets.add(secret);
    processSecrets.add(secret);
  }
}

function placePrefix(where?: AnnotationPlace): string {
  if (!where?.file) return '';
  return where.startLine ? `${where.file}:${where.startLine}: ` : `${where.file}: `;
}

/** Keeps every line for assertions in tests; masked secrets are redacted as they would be live. */
export class RecordingLogger implements Logger {
  readonly records: LogRecord[] = [];
  private readonly secrets = new Set<string>();
  debug(message: string): void {
    this.push('debug', message);
  }
  info(message: string): void {
    this.push('info', message);
  }
  warning(message: string, where?: AnnotationPlace): void {
    this.push('warning', message, where);
  }
  error(message: string, where?: AnnotationPlace): void {
    this.push('error', message, where);
  }
  mask(secret: string): void {
    if (secret) this.secrets.add(secret);
  }
  /** Messages of one level, in order. */
  messages(level?: LogLevel): string[] {
    return this.records.filter((r) => !level || r.level === level).map((r) => r.message);
  }
  private push(level: LogLevel, message: string, where?: AnnotationPlace): void {
    this.records.push(
      where
        ? { level, message: redact(message, this.secrets), where }
        : { level, message: redact(message, this.secrets) },
    );
  }
}
