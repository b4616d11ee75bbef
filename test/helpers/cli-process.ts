/**
 * Runs the shipped CLI the way a person does: a real `node` process (the
 * Node 24 that runs the tests) on the bundle `dist/cli.js`, in a working
 * directory, with an environment of the test's choosing. The bundle is
 * what users run, so it is what these tests exercise; `npm run build`
 * makes it (CI builds before it tests).
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Working directory; default: the repository root. */
  readonly cwd?: string;
  /** Added to a small clean environment (PATH and HOME only are inherited). */
  readonly env?: Record<string, string>;
  /** Written to the process's standard input, then closed. */
  readonly input?: string;
  /** Aborting it kills the process with SIGKILL, as `kill -9` does; its result then has a null code. */
  readonly signal?: AbortSignal;
  /** Called with the process id once the process is started. */
  readonly onSpawn?: (pid: number) => void;
}

const root = resolve(new URL('../..', import.meta.url).pathname);

/** The bundled CLI's path. */
export const CLI = join(root, 'dist', 'cli.js');

/** Runs `bellwether <args>` as a process and waits for it to exit, however long that takes. */
export function runCliProcess(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...options.env,
  };
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? root,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.signal ? { signal: options.signal, killSignal: 'SIGKILL' as const } : {}),
  });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.input ?? '');
  return new Promise((done, fail) => {
    // A kill asked for through the signal is a result, not a failure.
    child.on('error', (err) => (err.name === 'AbortError' ? undefined : fail(err)));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}
