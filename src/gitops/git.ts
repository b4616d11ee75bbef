import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The result of one git command. */
export interface GitResult {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The git port: real git in a working directory. The state of every service
 * lives in git, so local runs and tests use the real command, never a fake.
 */
export interface GitPort {
  /** The working directory git runs in. */
  readonly cwd: string;
  /** Runs `git <args>` and returns its output; throws GitError on a non-zero exit. */
  run(args: readonly string[], options?: GitRunOptions): Promise<GitResult>;
}

/** Extra input and environment for one git command. */
export interface GitRunOptions {
  /** Written to git's standard input. */
  readonly input?: string;
  /** Added to the environment, for example GIT_INDEX_FILE for a private index. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A git command that exited non-zero. */
export class GitError extends Error {
  override readonly name = 'GitError';
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim()}`);
  }
}

/** Runs the `git` on PATH. Author and committer come from the environment or the defaults given. */
export class CommandGit implements GitPort {
  constructor(
    readonly cwd: string,
    private readonly identity: { name: string; email: string } = {
      name: 'bellwether[bot]',
      email: 'bellwether@users.noreply.github.com',
    },
  ) {}

  async run(args: readonly string[], options: GitRunOptions = {}): Promise<GitResult> {
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? this.identity.name,
      GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? this.identity.email,
      GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? this.identity.name,
      GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? this.identity.email,
      GIT_TERMINAL_PROMPT: '0',
      ...options.env,
    };
    try {
      const child = execFileAsync('git', [...args], { cwd: this.cwd, env, maxBuffer: 64 * 1024 * 1024 });
      if (options.input !== undefined) child.child.stdin?.end(options.input);
      const { stdout, stderr } = await child;
      return { stdout, stderr };
    } catch (err) {
      const e = err as { code?: number | string; stderr?: string };
      throw new GitError(args, typeof e.code === 'number' ? e.code : null, e.stderr ?? String(err));
    }
  }
}
