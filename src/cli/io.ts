import { styleFor } from '../report/terminal.js';
import { processSecrets, registerEnvironmentSecrets } from '../runtime/secrets.js';

/**
 * The CLI's view of its process: where text goes and whether a person is
 * watching. Tests pass a recording IO; `processIo` binds the real one.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stdout is a terminal: progress is shown only then. */
  readonly interactive: boolean;
  /** Text may be coloured: stdout is a terminal and NO_COLOR is unset or empty. */
  readonly color: boolean;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The process's own streams. The credentials in its environment are
 * registered first, and every line written is redacted against every secret
 * the process knows, so that no verb can print one.
 */
export function processIo(): CliIo {
  registerEnvironmentSecrets(process.env);
  return {
    stdout: (text) => process.stdout.write(processSecrets.redact(text)),
    stderr: (text) => process.stderr.write(processSecrets.redact(text)),
    interactive: Boolean(process.stdout.isTTY && process.stderr.isTTY),
    color: styleFor(process.stdout, process.env).color,
    cwd: process.cwd(),
    env: process.env,
  };
}

/** An IO that keeps what was written, for tests. */
export function recordingIo(
  options: { interactive?: boolean; color?: boolean; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
    interactive: options.interactive ?? false,
    color: options.color ?? false,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
  };
  return io;
}

/**
 * Progress on long work: a line on stderr rewritten in place, shown only
 * when a person watches a terminal, so logs and pipes stay clean.
 */
export interface Progress {
  tick(done: number, label?: string): void;
  done(): void;
}

export function createProgress(io: CliIo, title: string, total: number): Progress {
  if (!io.interactive || total <= 1) return { tick: () => {}, done: () => {} };
  let last = -1;
  return {
    tick(done, label) {
      const pct = Math.floor((100 * done) / total);
      if (pct === last) return;
      last = pct;
      io.stderr(`\r${title}: ${done}/${total} (${pct}%)${label ? ` ${label}` : ''}\x1b[K`);
    },
    done() {
      io.stderr('\r\x1b[K');
    },
  };
}
